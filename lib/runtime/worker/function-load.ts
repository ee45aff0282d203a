/**
 * The worker side of function shipping: compiles source text once per
 * function id, imports module tasks, and explains the classic mistake of an
 * inline function that captures a variable of its enclosing scope.
 */
import { importInWorker } from '../../internal/state.js';
import type { FnDef } from '../protocol.js';

type TaskFn = (...args: unknown[]) => unknown;

// esbuild (used by tsx) with keepNames wraps nested named functions in
// `__name(fn, "name")`; shipped source needs the helper to exist.
(globalThis as Record<string, unknown>).__name ??= (target: object, value: string) =>
  Object.defineProperty(target, 'name', { value, configurable: true });

const compiled = new Map<string, TaskFn>();

export async function loadFn(def: FnDef): Promise<TaskFn> {
  if (def.kind === 'local') return def.fn as TaskFn;
  if (def.kind === 'source') return compile(def.source);
  const module = await importInWorker(def.url);
  const fn = module[def.name];
  if (typeof fn !== 'function') {
    throw new TypeError(
      `The task module ${def.url} has no exported function named '${def.name}'. ` +
        `Export it (\`export function ${def.name}\`), or pass its export name: task(import.meta.url, fn, 'exportName').`,
    );
  }
  return fn as TaskFn;
}

function compile(source: string): TaskFn {
  let fn = compiled.get(source);
  if (fn) return fn;
  fn = evaluate(source);
  compiled.set(source, fn);
  return fn;
}

function evaluate(source: string): TaskFn {
  try {
    return (0, eval)(`(${source})`) as TaskFn;
  } catch (error) {
    // A method written in shorthand (`{ square(x) { ... } }`) is not an expression on its own.
    if (!(error instanceof SyntaxError)) throw error;
    const holder = (0, eval)(`({ ${source} })`) as Record<string, TaskFn>;
    return Object.values(holder)[0] as TaskFn;
  }
}

/**
 * For a `ReferenceError` thrown by inline source that names one of the
 * function's own identifiers, a message that says what went wrong and how to
 * fix it; otherwise null.
 */
export function explainMissingVariable(def: FnDef, error: Error): string | null {
  if (def.kind !== 'source' || error.name !== 'ReferenceError') return null;
  const match = /^(\S+) is not defined$/.exec(error.message);
  const name = match?.[1];
  if (!name || !new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`).test(def.source)) return null;
  return (
    `${error.message}: the inline function uses \`${name}\` from the scope it was written in, ` +
    'but inline functions travel to workers as source text and cannot capture variables. ' +
    `Pass \`${name}\` as an argument (apply(fn, [${name}]) or starmap), ` +
    'or move the function into a module and pass task(import.meta.url, fn).'
  );
}

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
 * Worker globals that a module commonly shadows with an import or a constant
 * of the same name (`import crypto from 'node:crypto'`, `const URL = '…'`). An
 * inline function that uses one gets the worker's global, not the module's.
 */
const SHADOWED_GLOBALS = [
  'crypto',
  'URL',
  'URLSearchParams',
  'Buffer',
  'fetch',
  'Request',
  'Response',
  'Headers',
  'FormData',
  'performance',
  'process',
  'console',
  'setTimeout',
  'setInterval',
  'setImmediate',
  'structuredClone',
  'TextEncoder',
  'TextDecoder',
  'AbortController',
  'EventTarget',
  'Blob',
  'navigator',
];

/**
 * A message for the classic mistake of an inline function that captures a
 * variable of the scope it was written in, or null: a `ReferenceError` naming
 * one of the function's own identifiers, or a `TypeError` from a function that
 * uses a global name a module often shadows (the worker's global answered).
 */
export function explainCapture(def: FnDef, error: Error): string | null {
  if (def.kind !== 'source') return null;
  if (error.name === 'ReferenceError') return explainMissing(def.source, error);
  if (error.name === 'TypeError') return explainShadowed(def.source, error);
  return null;
}

function explainMissing(source: string, error: Error): string | null {
  const match = /^(\S+) is not defined$/.exec(error.message);
  const name = match?.[1];
  if (!name || !usesName(source, name)) return null;
  const written = writtenName(name);
  return (
    `${error.message}: the inline function uses \`${written}\`${written === name ? '' : ` (\`${name}\` once tsx compiled it)`} from the scope it was written in, ` +
    'but inline functions travel to workers as source text and cannot capture variables. ' +
    `Pass \`${written}\` as an argument (apply(fn, [${written}]) or starmap), ` +
    'or move the function into a module and pass task(import.meta.url, fn).'
  );
}

/** TypeErrors that the engine or Node raise (not a task's own `throw new TypeError('…')`). */
const ENGINE_TYPE_ERROR = /is not a (function|constructor)|is not iterable|Cannot (read|set) properties|Cannot destructure|cannot be invoked without 'new'/;

function explainShadowed(source: string, error: Error): string | null {
  const used = SHADOWED_GLOBALS.filter((name) => usesName(source, name));
  // The globals the message names, else (for an engine's error) every one the function uses.
  const named = used.filter((name) => usesName(error.message, name));
  const engine = ENGINE_TYPE_ERROR.test(error.message) || /^ERR_/.test(String((error as { code?: unknown }).code));
  const names = named.length > 0 ? named : engine ? used : [];
  if (names.length === 0) return null;
  const list = names.map((name) => `\`${name}\``).join(', ');
  return (
    `${error.message}. The inline function uses ${list}: in the worker ${names.length === 1 ? 'that is the global' : 'those are the globals'} ` +
    `of the same name, not what the scope it was written in imported or declared (inline functions travel to workers as source text ` +
    'and cannot capture variables). If you meant your own, import it inside the function (`await import(…)`), ' +
    'pass it as an argument, or move the function into a module and pass task(import.meta.url, fn).'
  );
}

/** True when `source` uses `name` as an identifier (not as a property: `.name`). */
function usesName(source: string, name: string): boolean {
  const escaped = name.replace(/[$]/g, '\\$');
  return new RegExp(`(?<![\\w$.])${escaped}(?![\\w$])`).test(source);
}

/**
 * The name as the user wrote it. tsx (esbuild) renames a nested declaration
 * that shadows a module-level one by adding a number (`inner` → `inner2`);
 * under tsx a name with such a suffix is taken to be one of those.
 */
function writtenName(name: string): string {
  const match = /^([A-Za-z_$][\w$]*?[A-Za-z_$])([2-9])$/.exec(name);
  return match?.[1] && underTsx() ? match[1] : name;
}

let tsx: boolean | undefined;

function underTsx(): boolean {
  tsx ??= [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((flag) => /(^|[\s=/\\])tsx([\s/\\]|$)/.test(flag));
  return tsx;
}

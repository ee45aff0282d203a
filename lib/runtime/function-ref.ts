/**
 * The main side of function shipping: a self-contained function travels as
 * its source text; a function wrapped with `task()` travels as a module URL
 * and export name. Each function gets one id, and a worker is sent its
 * definition once.
 */
import type { FnDef } from './protocol.js';

const MODULE_REF = Symbol('multipool.moduleTask');

/** Where a `task()` function lives: its module's URL and export name. */
export interface ModuleRef {
  readonly url: string;
  readonly name: string;
}

/** Any function a task may be: what `task()` accepts. */
export type AnyFunction = (...args: never[]) => unknown;

/**
 * Marks a function exported from a module so workers import it instead of
 * receiving its source. Use it for functions that need imports, module state
 * or helpers. The returned function has the same type and still works locally.
 *
 * The worker imports the module, so a script that exports tasks and also
 * creates a pool must guard its main code with `if (isMain(import.meta))`.
 *
 * @param moduleUrl - the module that exports `fn`: pass `import.meta.url`.
 * @param fn - the exported function.
 * @param exportName - the export's name, when it differs from `fn.name`.
 * @throws TypeError when `fn` is not a function or has no usable name.
 * @example
 * ```ts
 * import { isMain, Pool, task } from 'multipool';
 * export function wordCount(text: string): number {
 *   return text.split(/\s+/).filter(Boolean).length;
 * }
 * if (isMain(import.meta)) {
 *   await using pool = new Pool(2);
 *   console.log(await pool.map(task(import.meta.url, wordCount), ['a b', 'c']));
 * }
 * ```
 */
export function task<F extends AnyFunction>(moduleUrl: string | URL, fn: F, exportName?: string): F {
  if (typeof fn !== 'function') {
    throw new TypeError(`task(): expected \`fn\` to be an exported function, got ${typeof fn}`);
  }
  const url = String(moduleUrl);
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    throw new TypeError(`task(): expected \`moduleUrl\` to be a module URL such as import.meta.url, got ${JSON.stringify(url)}`);
  }
  const name = exportName ?? fn.name;
  if (!name) {
    throw new TypeError('task(): `fn` has no name; pass the export name as the third argument: task(import.meta.url, fn, "exportName")');
  }
  const wrapper = function (this: unknown, ...args: Parameters<F>) {
    return fn.apply(this, args);
  };
  Object.defineProperty(wrapper, 'name', { value: name });
  Object.defineProperty(wrapper, MODULE_REF, { value: { url, name } satisfies ModuleRef });
  return wrapper as unknown as F;
}

/** The module and export a `task()` function names; undefined for any other function. */
export function moduleRefOf(fn: AnyFunction): ModuleRef | undefined {
  return (fn as unknown as Record<symbol, ModuleRef | undefined>)[MODULE_REF];
}

const defs = new WeakMap<AnyFunction, FnDef>();
/**
 * Inline functions by source text: a loop that passes a fresh closure each call
 * (`pool.apply((x) => x + 1, [i])`) reuses one id, so neither side's caches grow.
 */
const bySource = new Map<string, FnDef>();
let nextId = 1;

/**
 * The definition a worker needs to run `fn`, cached per function.
 *
 * @param argName - the argument's name in error messages.
 */
export function fnDef(fn: AnyFunction, argName = 'fn'): FnDef {
  const cached = defs.get(fn);
  if (cached) return cached;
  const ref = moduleRefOf(fn);
  let def: FnDef;
  if (ref) {
    def = { id: nextId++, kind: 'module', ...ref };
  } else {
    const source = sourceOf(fn, argName);
    def = bySource.get(source) ?? { id: nextId++, kind: 'source', source };
    bySource.set(source, def);
  }
  defs.set(fn, def);
  return def;
}

function sourceOf(fn: AnyFunction, argName: string): string {
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(source)) {
    throw new TypeError(
      `\`${argName}\` is a built-in or bound function (${fn.name || 'anonymous'}), which cannot travel to a worker as source. ` +
        'Wrap it in an arrow function, e.g. (x) => Math.sqrt(x), or export a wrapper and pass task(import.meta.url, wrapper).',
    );
  }
  if (/^class\b/.test(source)) {
    throw new TypeError(`\`${argName}\` is a class; pass a function that creates or uses it instead.`);
  }
  return source;
}

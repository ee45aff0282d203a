/** Shared asserting validators: one wording for every misuse message. */

/** Describes a received value for an error message: "`0` (number)", "a function (f)", "an object (Point, Object)". */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return '`undefined`';
    case 'function':
      return `a function${value.name ? ` (${value.name})` : ''}`;
    case 'string':
      return `\`${JSON.stringify(value)}\` (string)`;
    case 'object': {
      if (value === null) return '`null`';
      const tag = Object.prototype.toString.call(value).slice(8, -1);
      // Typed as always there, but an object made with Object.create(null) has no constructor.
      const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
      return `an object (${ctor && ctor !== tag ? `${ctor}, ${tag}` : tag})`;
    }
    default:
      // A number, bigint, boolean or symbol.
      return `\`${String(value)}\` (${typeof value})`;
  }
}

/** "an Int32Array", "a Point": a class name with its article, for messages. */
export function withArticle(name: string): string {
  return `${/^[AEIOU][a-z]/.test(name) ? 'an' : 'a'} ${name}`;
}

export function validateInteger(value: unknown, name: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    const kind = min === 1 ? 'a positive integer' : `an integer >= ${min}`;
    throw new RangeError(`Expected \`${name}\` to be ${kind}, got ${describe(value)}`);
  }
}

export function validateFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') {
    throw new TypeError(`Expected \`${name}\` to be a function, got ${describe(value)}`);
  }
}

/** A call's arguments: an array, or `[]` when absent. A bare argument is a TypeError that says to wrap it. */
export function argsArray(value: unknown, name: string): unknown[] {
  const list = value ?? [];
  if (!Array.isArray(list)) throw new TypeError(`Expected \`${name}\` to be an array of arguments, got ${describe(value)}: wrap a single argument as [arg]`);
  // A copy, typed as unknown[]: Array.isArray narrowed it to any[].
  return Array.from<unknown>(list);
}

export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`Expected \`${name}\` to be a string, got ${describe(value)}`);
}

export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw new TypeError(`Expected \`${name}\` to be true or false, got ${describe(value)}`);
}

/** A timeout in seconds: a finite number >= 0, or null/undefined for no limit. */
export function validateTimeout(value: unknown, name = 'timeout'): asserts value is number | null | undefined {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`Expected \`${name}\` to be a number of seconds, got ${describe(value)}`);
  }
  if (value < 0) {
    throw new RangeError(`Expected \`${name}\` to be >= 0 seconds (or undefined for no limit), got ${describe(value)}`);
  }
}

/** Items of a sync or async iterable. */
export type AnyIterable<T> = Iterable<T> | AsyncIterable<T>;

/** True for anything `for await` can walk: a sync or async iterable (a string included, as in Python). */
export function isIterable(value: unknown): value is AnyIterable<unknown> {
  return isSyncIterable(value) || isAsyncIterable(value);
}

/** True for a sync iterable. Unlike `Symbol.iterator in value`, safe on a string (a primitive). */
export function isSyncIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && value !== undefined && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** True for an async iterable (and safe on primitives). */
export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value !== null && value !== undefined && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

export function validateIterable(value: unknown, name: string): asserts value is AnyIterable<unknown> {
  if (!isIterable(value)) throw new TypeError(`Expected \`${name}\` to be an iterable or async iterable, got ${describe(value)}`);
}

/** One of a fixed list of strings: "Expected `backend` to be one of 'process', 'thread', 'async', got …". */
export function validateOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new TypeError(`Expected \`${name}\` to be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
}

export function validateOptionalFunction(value: unknown, name: string): void {
  if (value !== undefined && value !== null) validateFunction(value, name);
}

export function validatePlainObject(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`Expected \`${name}\` to be an options object, got ${describe(value)}`);
  }
}

/** Option names compared the way Python spells them: `max_workers`, `maxtasksperchild` and `maxWorkers` are one name. */
function normalizeKey(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase();
}

/** The worker count's name in each API of the family: a Pool's `processes` is an executor's `maxWorkers`. */
const WORKER_COUNT_NAMES = ['processes', 'maxworkers', 'workers'];

/** The allowed key that `key` is a Python or sibling-API spelling of, if any. */
function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const wanted = normalizeKey(key);
  const same = allowed.find((name) => normalizeKey(name) === wanted);
  if (same !== undefined || !WORKER_COUNT_NAMES.includes(wanted)) return same;
  return allowed.find((name) => WORKER_COUNT_NAMES.includes(normalizeKey(name)));
}

/**
 * Refuses an options object with a key it does not know, so a misspelt or Python-spelt option is never
 * silently ignored: "Unknown option \`max_workers\` in ProcessPoolExecutor options: did you mean \`maxWorkers\`?".
 * Anything but an object is left to the shape checks.
 *
 * @param name - what the options belong to, for the message ("Pool options", "map() options").
 */
export function validateKeys(options: unknown, name: string, allowed: readonly string[]): void {
  if (typeof options !== 'object' || options === null) return;
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const suggestion = suggestKey(key, allowed);
    const hint = suggestion === undefined ? `expected one of ${allowed.map((k) => `\`${k}\``).join(', ')}` : `did you mean \`${suggestion}\`?`;
    throw new TypeError(`Unknown option \`${key}\` in ${name}: ${hint}`);
  }
}

/** A generator object or another iterator (not a plain iterable such as an array or a string). */
export function isIterator(value: unknown): value is Iterator<unknown> | AsyncIterator<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Partial<Iterator<unknown>>).next === 'function' &&
    (Symbol.iterator in value || Symbol.asyncIterator in value)
  );
}

/** A promise or any object with a `then` method, as `await` treats it. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

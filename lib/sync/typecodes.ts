/** Python's `array` typecodes, and the typed array each maps to. */
import { validateOneOf } from '../internal/validate.js';

type TypedArrayClass =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

/** A typed array over shared memory, as `SharedArray.view` hands it out. */
export type SharedView = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

/**
 * A typecode of Python's `array` module: `b`/`B` 8-bit, `h`/`H` 16-bit, `i`/`I` and `l`/`L` 32-bit
 * (signed/unsigned), `q`/`Q` 64-bit as BigInt, `f` float32, `d` float64.
 */
export type Typecode = 'b' | 'B' | 'h' | 'H' | 'i' | 'I' | 'l' | 'L' | 'q' | 'Q' | 'f' | 'd';

/** The typed array `SharedArray.view` is for typecode `C`: a BigInt one for `q`/`Q`. */
export type ViewOf<C extends Typecode> = C extends 'q' | 'Q' ? BigInt64Array | BigUint64Array : Exclude<SharedView, BigInt64Array | BigUint64Array>;

/** The typecodes whose elements are numbers (all but `q`/`Q`). */
export type NumberTypecode = Exclude<Typecode, 'q' | 'Q'>;

/** What one element of typecode `C` is in JavaScript: a BigInt for `q`/`Q`, else a number. */
export type ElementOf<C extends Typecode> = C extends 'q' | 'Q' ? bigint : number;

// `l`/`L` are 32-bit, as the smallest size Python's array module allows them: a C long differs by platform.
const CLASSES: Record<Typecode, TypedArrayClass> = {
  b: Int8Array,
  B: Uint8Array,
  h: Int16Array,
  H: Uint16Array,
  i: Int32Array,
  I: Uint32Array,
  l: Int32Array,
  L: Uint32Array,
  q: BigInt64Array,
  Q: BigUint64Array,
  f: Float32Array,
  d: Float64Array,
};

const TYPECODES = Object.keys(CLASSES) as Typecode[];

export function validateTypecode(value: unknown): asserts value is Typecode {
  validateOneOf(value, 'typecode', TYPECODES);
}

export function isBigIntCode(typecode: Typecode): boolean {
  return typecode === 'q' || typecode === 'Q';
}

/** Bytes before the elements: word 0 says whether it was shut down; 8 keeps 64-bit elements aligned. */
export const HEADER_BYTES = 8;

/** Shared memory for `length` elements of `typecode`, after the header. */
export function allocElements(typecode: Typecode, length: number): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + CLASSES[typecode].BYTES_PER_ELEMENT * length);
}

export function viewOf(typecode: Typecode, memory: SharedArrayBuffer, length: number): SharedView {
  // Every typed array class takes a SharedArrayBuffer; the union of their constructors hides that from TS.
  return new (CLASSES[typecode] as Float64ArrayConstructor)(memory as unknown as ArrayBuffer, HEADER_BYTES, length);
}

/** A TypeError unless `value` fits the typecode's kind (a BigInt for q/Q, a number otherwise). */
export function validateElement(typecode: Typecode, value: unknown, name: string): asserts value is number | bigint {
  const bigint = isBigIntCode(typecode);
  if (bigint ? typeof value !== 'bigint' : typeof value !== 'number') {
    const got = typeof value === 'bigint' || typeof value === 'number' ? `\`${String(value)}\` (${typeof value})` : typeof value;
    throw new TypeError(`Expected \`${name}\` to be ${bigint ? 'a BigInt' : 'a number'} for typecode '${typecode}', got ${got}`);
  }
}

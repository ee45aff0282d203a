/** `NamespaceProxy`, what `manager.Namespace()` returns: Python's `Manager().Namespace()`. */
import { describe } from '../internal/validate.js';
import type { Handle } from '../runtime/handles.js';
import { TO_HANDLE } from '../runtime/handles.js';
import { DictState } from './dict-state.js';
import type { LinkKind } from './link.js';
import { Link, registerKind } from './link.js';
import type { Packed } from './pack.js';
import { pack, unpack } from './pack.js';

const KIND: LinkKind<DictState> = { kind: 'namespace', module: import.meta.url };

let adopting: Link<DictState> | null = null;

function validateName(name: unknown): asserts name is string {
  if (typeof name !== 'string') throw new TypeError(`Expected \`name\` to be a string, got ${describe(name)}`);
}

/**
 * Named values held by a {@link Manager} (Python's `Manager().Namespace()`, whose `ns.x` is
 * `await ns.get('x')` here, since reaching the owner takes a promise).
 *
 * @example
 * ```ts
 * import { Manager } from 'multipool';
 *
 * await using manager = new Manager();
 * const ns = manager.Namespace();
 * await ns.set('phase', 'crawl');
 * console.log(await ns.get('phase')); // 'crawl'
 * ```
 */
export class NamespaceProxy {
  readonly #link: Link<DictState>;

  /** @internal Made by `manager.Namespace()`. */
  constructor() {
    if (adopting) {
      this.#link = adopting;
      adopting = null;
      return;
    }
    this.#link = Link.own(this, KIND, new DictState());
  }

  /**
   * The value named `name`.
   *
   * @throws RangeError (as a rejection) when nothing is named so (Python's AttributeError).
   */
  async get<T = unknown>(name: string): Promise<T> {
    validateName(name);
    const packed = await this.#link.call<Packed | undefined>('get', [name]);
    if (packed === undefined) throw new RangeError(`The Namespace has nothing named '${name}'`);
    return (await unpack(packed)) as T;
  }

  /**
   * Names `value` `name`.
   *
   * @throws TypeError (as a rejection) for a value that cannot be copied.
   */
  async set(name: string, value: unknown): Promise<void> {
    validateName(name);
    await this.#link.call('set', [name, pack(value, `Namespace value '${name}'`)]);
  }

  /** @internal The handle this namespace crosses as (see handles.ts). */
  [TO_HANDLE](crossing: 'v8' | 'clone'): Handle {
    return this.#link.handle(crossing, this);
  }
}

registerKind(KIND, (link) => {
  adopting = link;
  return new NamespaceProxy();
});

/**
 * A primitive's tie to its state. In the owner the state is local; in a
 * thread of the owner's process, shared memory can make it local too (the
 * same Atomics on the same SharedArrayBuffer); anywhere else calls go to the
 * owner's broker. Every public primitive holds one Link and forwards to it.
 */
import { InvalidStateError } from '../errors.js';
import type { Handle } from '../runtime/handles.js';
import { registerReviver } from '../runtime/handles.js';
import { LOCAL_AGENT } from './agent.js';
import { Broker } from './broker.js';
import { BrokerClient } from './client.js';
import type { CallContext, Served } from './served.js';
import { SHUT_DOWN } from './served.js';

const LOCAL: CallContext = { agent: LOCAL_AGENT };

export interface LinkKind<S extends Served> {
  /** The kind's name on the wire. */
  readonly kind: string;
  /** `import.meta.url` of the module that defines the kind (and registers its reviver). */
  readonly module: string;
  /**
   * The state over shared memory, for a kind that keeps its state there; `owner` runs a call at the owner,
   * for what shared memory cannot serve (a queue's item too large for its ring).
   */
  readonly attach?: (memory: SharedArrayBuffer, state: unknown, owner: Owner) => S;
}

/** A primitive's owner, as a thread that shares its memory reaches it. */
export interface Owner {
  /** Runs `method` at the owner, through its broker. */
  call(method: string, args: readonly unknown[]): Promise<unknown>;
  /** Aborted (with the InvalidStateError calls get) once the owner is gone. */
  readonly gone: AbortSignal;
}

export class Link<S extends Served> {
  readonly #kind: LinkKind<S>;
  /** The state, when it can be used from here. */
  readonly state: S | null;
  readonly #memory: SharedArrayBuffer | undefined;
  readonly #wireState: unknown;
  #owner: string | null;
  #pid: number;
  #id: number;
  readonly #remote: BrokerClient | null;
  /** Set in a thread that uses the owner's memory directly, until the owner knows it (for release at death). */
  #presence: Promise<void> | null;

  /** A link for `facade`, a primitive made here: this thread owns it. */
  static own<S extends Served>(facade: object, kind: LinkKind<S>, state: S, memory?: SharedArrayBuffer, wireState?: unknown): Link<S> {
    const link = new Link(kind, state, memory, wireState, null, process.pid, 0, null);
    owned.set(facade, link);
    return link;
  }

  /** Shuts the primitive down (a Manager's shutdown): its state fails every call, and the broker drops it. */
  close(): void {
    this.state?.close?.();
    const broker = Broker.here();
    // Served (and dropped at once) even if it never crossed: a handle made later then names an id every
    // caller is told is shut down, so a one-way call on it fails where it is made.
    if (this.#owner === null) {
      this.#id = broker.share(this.state as S);
      this.#owner = broker.address;
    }
    broker.drop(this.#id);
  }

  /** A link from a handle that arrived here. */
  static revive<S extends Served>(kind: LinkKind<S>, handle: Handle): Link<S> {
    const broker = Broker.existing();
    if (broker?.address === handle.owner) {
      return new Link(kind, (broker.lookup(handle.id) as S | undefined) ?? null, handle.memory, handle.state, handle.owner, handle.pid, handle.id, null);
    }
    const remote = BrokerClient.to(handle.owner, handle.pid);
    const owner: Owner = { call: (method, args) => remote.call(handle.id, method, args), gone: remote.gone };
    const state = handle.memory && kind.attach ? kind.attach(handle.memory, handle.state, owner) : null;
    const link = new Link(kind, state, handle.memory, handle.state, handle.owner, handle.pid, handle.id, remote);
    if (state) link.#presence = remote.ready;
    return link;
  }

  private constructor(
    kind: LinkKind<S>,
    state: S | null,
    memory: SharedArrayBuffer | undefined,
    wireState: unknown,
    owner: string | null,
    pid: number,
    id: number,
    remote: BrokerClient | null,
  ) {
    this.#kind = kind;
    this.state = state;
    this.#memory = memory;
    this.#wireState = wireState;
    this.#owner = owner;
    this.#pid = pid;
    this.#id = id;
    this.#remote = remote;
    this.#presence = null;
  }

  /** The local state when a call may use it right now (the owner knows this thread), else null. */
  get ready(): S | null {
    return this.#presence === null ? this.state : null;
  }

  /** The context of a local call (this thread, as an agent). */
  get context(): CallContext {
    return LOCAL;
  }

  /**
   * Runs a call: on the local state when there is one (after the owner knows this thread, the first
   * time), else at the owner.
   */
  async call<R>(method: string, args: readonly unknown[]): Promise<R> {
    if (this.#presence) {
      await this.#presence;
      this.#presence = null;
    }
    if (this.state) return (await this.state.serve(method, args, LOCAL)) as R;
    if (this.#remote) return (await this.#remote.call(this.#id, method, args)) as R;
    throw new InvalidStateError(SHUT_DOWN);
  }

  /**
   * Runs a call whose caller needs no answer (an effect that cannot fail at the owner once the primitive is
   * open): locally at once, else sent one way, resolving once the owner is sure to receive it (see
   * {@link BrokerClient.tell}). Calls made later from this thread run after it.
   */
  tell(method: string, args: readonly unknown[]): Promise<void> {
    if (this.#remote && !this.state) return this.#remote.tell(this.#id, method, args);
    return this.call(method, args);
  }

  /** Whether calls go to the owner's broker (this thread does not hold the state). */
  get remote(): boolean {
    return this.state === null && this.#remote !== null;
  }

  /** Runs `listener` when the owner sends this thread the primitive's notice (a queue's recall). */
  listen(listener: () => void): void {
    this.#remote?.listen(this.#id, listener);
  }

  /** The handle `facade` crosses as; the owner starts serving it the first time. */
  handle(crossing: 'v8' | 'clone', facade: object): Handle {
    if (this.#owner === null) {
      const broker = Broker.here();
      this.#id = broker.share(this.state as S);
      this.#owner = broker.address;
      remember(this.#owner, this.#id, facade);
    }
    return {
      kind: this.#kind.kind,
      id: this.#id,
      owner: this.#owner,
      pid: this.#pid,
      module: this.#kind.module,
      ...(crossing === 'clone' && this.#memory ? { memory: this.#memory } : {}),
      state: this.#wireState,
    };
  }

  /** Kind-specific fields the handle carries (a lock's reentrancy, a value's typecode). */
  get wireState(): unknown {
    return this.#wireState;
  }

  /** Names the primitive among every owner's (its owner's address and id). */
  get key(): string {
    return `${this.#owner}#${this.#id}`;
  }

  /** The id the owner's broker serves this under (0 until it first crossed). */
  get id(): number {
    return this.#id;
  }
}

/** The links of primitives this thread made, for {@link closeOwned}. */
const owned = new WeakMap<object, Link<Served>>();

/** Shuts down `facade`, a primitive made in this thread (a Manager's shutdown). */
export function closeOwned(facade: object): void {
  owned.get(facade)?.close();
}

/** Resolves once every caller of this thread's broker knows which primitives were shut down. */
export function announceClosed(): Promise<void> {
  return Broker.existing()?.announceDrops() ?? Promise.resolve();
}

/** Revived facades, one per primitive per thread: a Lock sent out and back is the same object again. */
const facades = new Map<string, WeakRef<object>>();

/**
 * Registers how a kind's facade is rebuilt from a handle: `make` wraps a Link. The facade made for a
 * primitive is reused while it lives, and the owner gets its own facade back.
 */
export function registerKind<S extends Served, F extends object>(kind: LinkKind<S>, make: (link: Link<S>) => F): void {
  registerReviver(kind.kind, (handle) => {
    const key = `${handle.owner}#${handle.id}`;
    const alive = facades.get(key)?.deref();
    if (alive) return alive;
    const facade = make(Link.revive(kind, handle));
    facades.set(key, new WeakRef(facade));
    return facade;
  });
}

function remember(owner: string, id: number, facade: object): void {
  facades.set(`${owner}#${id}`, new WeakRef(facade));
}

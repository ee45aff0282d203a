/** The events every pool and executor emits, and how the engine fires them at a facade. */

/** Typed events every pool and executor emits. */
export interface PoolEvents {
  workerStart: (event: { id: number; pid?: number; threadId?: number }) => void;
  workerExit: (event: { id: number; exitCode: number | null; signal: string | null }) => void;
  taskStart: (event: { job: number; index: number }) => void;
  taskDone: (event: { job: number; index: number }) => void;
  error: (error: unknown) => void;
}

export interface Emit {
  <K extends keyof PoolEvents>(event: K, ...args: Parameters<PoolEvents[K]>): void;
  /** True when something listens for `event`: the engine builds a per-task event only then. */
  heard(event: keyof PoolEvents): boolean;
}

/**
 * The engine's `emit` for a facade: events go to the facade's listeners; an error nobody listens for
 * (a throwing callback) becomes a process warning instead of vanishing.
 */
export function emitterFor(target: { emit(event: string, ...args: unknown[]): boolean; listenerCount(event: string): number }): Emit {
  const emit = <K extends keyof PoolEvents>(event: K, ...args: Parameters<PoolEvents[K]>): void => {
    if (event === 'error' && target.listenerCount('error') === 0) {
      process.emitWarning(`multipool: a callback threw and nothing listens for 'error': ${String(args[0])}`);
      return;
    }
    target.emit(event, ...args);
  };
  return Object.assign(emit, { heard: (event: keyof PoolEvents) => target.listenerCount(event) > 0 });
}

/** The `Emit` of an engine whose events nobody can listen to (a host's local pool, multiYield's). */
export const unheard: Emit = Object.assign(() => {}, { heard: () => false });

/** The events every pool and executor emits, and how the engine fires them at a facade. */

/** Typed events every pool and executor emits. */
export interface PoolEvents {
  workerStart: (event: { id: number; pid?: number; threadId?: number }) => void;
  workerExit: (event: { id: number; exitCode: number | null; signal: string | null }) => void;
  taskStart: (event: { job: number; index: number }) => void;
  taskDone: (event: { job: number; index: number }) => void;
  error: (error: unknown) => void;
}

export type Emit = <K extends keyof PoolEvents>(event: K, ...args: Parameters<PoolEvents[K]>) => void;

/**
 * The engine's `emit` for a facade: events go to the facade's listeners; an error nobody listens for
 * (a throwing callback) becomes a process warning instead of vanishing.
 */
export function emitterFor(target: { emit(event: string, ...args: unknown[]): boolean; listenerCount(event: string): number }): Emit {
  return (event, ...args) => {
    if (event === 'error' && target.listenerCount('error') === 0) {
      process.emitWarning(`multipool: a callback threw and nothing listens for 'error': ${String(args[0])}`);
      return;
    }
    target.emit(event, ...args);
  };
}

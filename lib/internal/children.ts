/**
 * The `Process` children this process or thread has started and not yet seen end. The `Process` facade
 * adds and removes them; a `Process` worker waits for its non-daemon children before it ends, as Python's
 * child joins its own children at exit. Kept on `globalThis` under a registered symbol, as state.ts does.
 */

/** What the registry needs of a started child. */
export interface Child {
  /** What stands for the child in its parent's code (a `Process`), for `activeChildren()`. */
  readonly owner: object;
  readonly daemon: boolean;
  /** Resolves when the child has ended. */
  readonly ended: Promise<void>;
}

const KEY = Symbol.for('multipool.children');

function registry(): Set<Child> {
  const holder = globalThis as Record<symbol, Set<Child> | undefined>;
  return (holder[KEY] ??= new Set());
}

export function addChild(child: Child): void {
  registry().add(child);
}

export function removeChild(child: Child): void {
  registry().delete(child);
}

/** The children started here that have not ended yet, oldest first. */
export function liveChildren(): Child[] {
  return [...registry()];
}

/** Resolves once every non-daemon child has ended (daemons end with their parent). */
export async function joinNonDaemonChildren(): Promise<void> {
  await Promise.all(liveChildren().filter((child) => !child.daemon).map((child) => child.ended));
}

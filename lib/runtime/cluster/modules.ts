/**
 * bullmq and ioredis, loaded when the first cluster connection opens rather than when the package is
 * imported: they cost a local-only program (and every child process that imports multipool) about a tenth
 * of a second of start-up, for a backend it never uses.
 */
import type * as BullMQ from 'bullmq';
import type * as IORedis from 'ioredis';

/** The two packages the cluster backend runs on. */
export interface ClusterModules {
  readonly bullmq: typeof BullMQ;
  readonly ioredis: typeof IORedis;
}

/** The packages the cluster backend loads. */
export type ClusterPackage = 'bullmq' | 'ioredis';

/** Loads a package by name: `import()` in the package, a stand-in in tests of a missing package. */
export type ModuleImporter = (name: ClusterPackage) => Promise<unknown>;

/** Literal specifiers, so that the compiler checks them and bundlers see them. */
const importPackage: ModuleImporter = (name) => (name === 'bullmq' ? import('bullmq') : import('ioredis'));

let loading: Promise<ClusterModules> | null = null;

/**
 * bullmq and ioredis, imported once and shared by every connection and host.
 *
 * @throws Error (as a rejection) naming the package that could not be loaded and how to install it; the
 *   next call tries again, so a package installed meanwhile is found.
 */
export function loadClusterModules(): Promise<ClusterModules> {
  loading ??= importClusterModules().catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/**
 * bullmq and ioredis through `importer`, without the shared copy: what `loadClusterModules` does once.
 *
 * @throws Error (as a rejection) naming the package that could not be loaded, with the import's error as its cause.
 */
export async function importClusterModules(importer: ModuleImporter = importPackage): Promise<ClusterModules> {
  const [bullmq, ioredis] = await Promise.all([importOne(importer, 'bullmq'), importOne(importer, 'ioredis')]);
  return { bullmq: bullmq as typeof BullMQ, ioredis: ioredis as typeof IORedis };
}

async function importOne(importer: ModuleImporter, name: ClusterPackage): Promise<unknown> {
  try {
    return await importer(name);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The cluster backend needs the ${name} package, which could not be loaded (${reason}). ` +
        `Install it beside multipool (npm install ${name}), or use a local backend ('process', 'thread' or 'async').`,
      { cause: error },
    );
  }
}

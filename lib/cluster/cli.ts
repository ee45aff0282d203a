/**
 * `multipool worker`: the command that runs a worker host. It prints what it serves, and shuts down
 * cleanly on SIGINT/SIGTERM: running chunks finish first (a second signal leaves them to another host).
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

import { validateInteger, validateOneOf, validateTimeout } from '../internal/validate.js';
import { DEFAULT_CONNECT_TIMEOUT, resolveClusterOptions, safeUrl } from '../runtime/cluster/options.js';
import { LOCAL_BACKEND_KINDS } from '../runtime/index.js';
import { WorkerHost } from './host.js';
import { TaskRegistry } from './task-registry.js';

/** Seconds between stalled-chunk checks: BullMQ's default, cheap for Redis and quick enough to notice a lost host. */
const DEFAULT_STALLED_INTERVAL = 30;

/** A chunk whose host was lost is run once more elsewhere, then fails: one lost host is luck, two is the chunk. */
const DEFAULT_MAX_STALLED = 1;

export const HELP = `Usage: multipool worker --url <redis-url> --queue <name> --tasks <module> [options]

Runs a worker host: pulls chunks that Pool({ backend: 'cluster' }) and ClusterExecutor clients put on a
BullMQ queue, and runs them on a local pool of workers.

Options:
  --url <url>              Redis, e.g. redis://127.0.0.1:6379 (rediss:// for TLS); required
  --queue <name>           the queue the clients use; required
  --tasks <module>         a module whose exported functions this host runs; repeat for more; required.
                           A client names a task by the module's path within its package and the export name,
                           so give the same module the clients import (TypeScript needs: node --import tsx).
  --concurrency <n>        local workers, and chunks run at once (default: CPU count, ${availableParallelism()} here)
  --backend <kind>         process (default; a crashing task takes down only its worker), thread (a cheaper
                           hand-off, for tiny tasks) or async (on the host's event loop, for I/O-bound tasks)
  --prefix <prefix>        BullMQ key prefix (default bull)
  --password <password>    Redis password (or put it in the URL; REDIS_PASSWORD is read too)
  --username <name>        Redis ACL user name
  --connect-timeout <s>    seconds to wait for Redis before giving up (default ${DEFAULT_CONNECT_TIMEOUT})
  --stalled-interval <s>   seconds after which a chunk of a lost host is run elsewhere (default ${DEFAULT_STALLED_INTERVAL})
  --max-stalled <n>        times a chunk may be run again after its host was lost (default ${DEFAULT_MAX_STALLED});
                           past it the client's result rejects with WorkerLostError
  -h, --help               this text

Delivery is at-least-once: a chunk whose host dies mid-run runs again on another host.
Anyone who can write to the queue can run the registered tasks here: protect Redis (auth, TLS, network).
SIGINT/SIGTERM: stop taking chunks, finish the running ones, exit. A second signal exits at once.`;

const OPTIONS = {
  url: { type: 'string' },
  queue: { type: 'string' },
  tasks: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  backend: { type: 'string' },
  prefix: { type: 'string' },
  password: { type: 'string' },
  username: { type: 'string' },
  'connect-timeout': { type: 'string' },
  'stalled-interval': { type: 'string' },
  'max-stalled': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A numeric flag, or `fallback` when absent. */
function numberFlag(value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : Number(value);
}

/** The host's options from the command line; throws a TypeError or RangeError naming the flag that is wrong. */
export async function parseHostArgs(argv: readonly string[]): Promise<{ help: true } | { help: false; host: WorkerHost; banner: string }> {
  const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) return { help: true };
  if (positionals[0] !== 'worker' || positionals.length > 1) throw new TypeError(`Expected the command \`worker\`, got ${JSON.stringify(positionals.join(' '))}: run multipool --help`);
  if (!values.tasks || values.tasks.length === 0) throw new TypeError('Expected at least one --tasks <module>: the modules whose exported functions this host runs');
  const password = values.password ?? process.env['REDIS_PASSWORD'];
  const cluster = resolveClusterOptions(
    {
      url: values.url,
      queue: values.queue,
      connectTimeout: numberFlag(values['connect-timeout'], DEFAULT_CONNECT_TIMEOUT),
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
      redis: { ...(password === undefined ? {} : { password }), ...(values.username === undefined ? {} : { username: values.username }) },
    },
    '--url/--queue',
  );
  const concurrency = numberFlag(values.concurrency, availableParallelism());
  validateInteger(concurrency, '--concurrency', 1);
  const backend = values.backend ?? 'process';
  validateOneOf(backend, '--backend', LOCAL_BACKEND_KINDS);
  const stalledInterval = numberFlag(values['stalled-interval'], DEFAULT_STALLED_INTERVAL);
  validateTimeout(stalledInterval, '--stalled-interval');
  const maxStalled = numberFlag(values['max-stalled'], DEFAULT_MAX_STALLED);
  validateInteger(maxStalled, '--max-stalled', 0);
  const tasks = await TaskRegistry.load(values.tasks);
  const host = new WorkerHost({ cluster, tasks, concurrency, backend, stalledInterval, maxStalled });
  const banner =
    `multipool worker: queue ${cluster.queue} at ${safeUrl(cluster.url)}, ${concurrency} ${backend} worker(s), serving ${tasks.names.length} task(s):\n` +
    tasks.names.map((name) => `  ${name}`).join('\n');
  return { help: false, host, banner };
}

/** Runs the command; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed: Awaited<ReturnType<typeof parseHostArgs>>;
  try {
    parsed = await parseHostArgs(argv);
  } catch (error) {
    console.error(`multipool: ${error instanceof Error ? error.message : String(error)}\nRun multipool --help for the options.`);
    return 2;
  }
  if (parsed.help) {
    console.log(HELP);
    return 0;
  }
  const { host, banner } = parsed;
  try {
    await host.start();
  } catch (error) {
    console.error(`multipool worker: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log(banner);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      console.log(`multipool worker: ${signal}, finishing the running chunks (send it again to exit now)`);
      process.once(signal, () => process.exit(130));
      void host.stop().then(resolve);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  console.log('multipool worker: stopped');
  return 0;
}

/**
 * Real Redis and real worker hosts for the cluster specs: a private `redis-server` on a free 127.0.0.1
 * port with persistence off, and `multipool worker` hosts as child processes. redis-server is installed
 * when missing and this runs as root with apt-get; otherwise the cluster specs are skipped with a message
 * saying how to install it, except under CI=true, where a missing redis-server is a failure.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(root, 'bin/multipool.js');
const INSTALL_HINT = 'install it with: apt-get update && apt-get install -y redis-server (Debian/Ubuntu), or brew install redis';

function hasRedisServer(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function tryInstall(): void {
  if (process.getuid?.() !== 0) return;
  try {
    execFileSync('sh', ['-c', 'command -v apt-get && apt-get update -qq && apt-get install -y -qq redis-server'], { stdio: 'ignore', timeout: 300_000 });
  } catch {
    // Reported below as missing.
  }
}

/** True when redis-server can run here (installing it if we may); throws under CI when it cannot. */
export function redisAvailable(): boolean {
  if (!hasRedisServer()) tryInstall();
  if (hasRedisServer()) return true;
  if (process.env['CI'] === 'true') throw new Error(`redis-server is missing and CI=true: the cluster specs need it; ${INSTALL_HINT}`);
  console.log(`Skipping the cluster specs: redis-server is not installed; ${INSTALL_HINT}`);
  return false;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Resolves once `child` printed a line matching `pattern`; rejects when it exits first or `seconds` pass. */
function waitForLine(child: ChildProcess, pattern: RegExp, seconds: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (data: Buffer): void => {
      text += data.toString();
      const line = text.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) finish(() => resolve(text));
    };
    const onExit = (code: number | null): void => finish(() => reject(new Error(`${what} exited (${code}) before it was ready:\n${text}`)));
    const timer = setTimeout(() => finish(() => reject(new Error(`${what} not ready within ${seconds} s:\n${text}`))), seconds * 1000);
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      settle();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Resolves when `child` has exited, with its exit code or signal. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

export interface RedisServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** A private redis-server on 127.0.0.1, persistence off, in a temp dir of its own; `extra` are more server flags. */
export async function startRedis(extra: readonly string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'multipool-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForLine(child, /Ready to accept connections/, 20, 'redis-server');
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGKILL');
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Host {
  readonly child: ChildProcess;
  readonly pid: number;
  /** What it printed so far. */
  output(): string;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

/**
 * A `multipool worker` host (under tsx, as the task modules are TypeScript) serving the cluster fixtures,
 * or, with `fixtures` false, only the `--tasks` in `args`.
 */
export async function startHost(url: string, queue: string, args: readonly string[] = [], fixtures = true): Promise<Host> {
  const tasks = fixtures ? ['--tasks', 'spec/fixtures/cluster-tasks.ts'] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'worker', '--url', url, '--queue', queue, ...tasks, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (data: Buffer) => (text += data.toString()));
  child.stderr.on('data', (data: Buffer) => (text += data.toString()));
  await waitForLine(child, /^multipool worker: queue /, 60, 'multipool worker');
  return {
    child,
    pid: child.pid ?? -1,
    output: () => text,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}

/** Runs the bin with `args` and returns its exit code and output (for --help and bad flags). */
export function runBin(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { status: number | null; stdout: string; stderr: string };
    return { status: failed.status, stdout: failed.stdout, stderr: failed.stderr };
  }
}

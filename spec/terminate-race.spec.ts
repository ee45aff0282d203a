/**
 * Stopping a pool while one of its workers throws an uncaught error must not crash the process that owns
 * the pool (issue 15: tinypool's destroy() waited for 'exit' with events.once(), whose 'error' listener
 * threw). A crash would take the jest worker with it, so each case runs in a script of its own
 * (spec/fixtures/terminate-race.ts) that loops over rounds with different gaps between the worker's
 * throw and the stop; the test reads its exit code and output. Rounds that miss the race pass either way;
 * before the fix, every case but Pool crashed within its first few rounds.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./fixtures/terminate-race.ts', import.meta.url));
/** A hung script fails its case after this long (the runner does not enforce jest's per-test timeout). */
const LIMIT_MS = 120_000;

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

function runScript(kind: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, kind], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (data: string) => (stdout += data));
    child.stderr.setEncoding('utf8').on('data', (data: string) => (stderr += data));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, LIMIT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

const CASES = [
  { kind: 'ThreadPool', title: 'ThreadPool.terminate() while its worker throws an uncaught error' },
  { kind: 'ThreadPoolExecutor', title: 'ThreadPoolExecutor.shutdown() while its worker throws an uncaught error' },
  { kind: 'Pool', title: 'Pool.terminate() while its worker throws an uncaught error' },
  { kind: 'multiYield', title: "leaving a multiYield loop (mode 'thread') while its worker throws an uncaught error" },
  { kind: 'unbootable ThreadPool', title: 'ThreadPool.terminate() while its workers fail to start' },
];

test.each(CASES)(
  '$title does not crash the process',
  async ({ kind }) => {
    const outcome = await runScript(kind);
    if (outcome.timedOut) throw new Error(`the script did not finish within ${LIMIT_MS / 1000} s; its stderr ends with: ${outcome.stderr.slice(-2000)}`);
    // The UNCAUGHT line names the round that crashed and the error.
    expect({ code: outcome.code, signal: outcome.signal, uncaught: outcome.stdout.split('\n').filter((line) => line.startsWith('UNCAUGHT')) }).toEqual({ code: 0, signal: null, uncaught: [] });
    expect(outcome.stdout).toMatch(/^done \d+$/m);
  },
  LIMIT_MS + 10_000,
);

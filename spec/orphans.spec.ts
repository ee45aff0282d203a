/**
 * "No child process outlives its parent", tested out of process: a parent script
 * (spec/fixtures/orphan-parent.ts) starts a pool of 2 workers and prints their pids once they are
 * ready; the test kills that script and checks that within 5 s none of the worker pids is alive,
 * nor any other process carrying the script's environment tag. A child process is watched by the kernel
 * (started through `setpriv --pdeathsig`) where that is on the PATH, and else by a watchdog thread: the
 * `watchdog` cases hide setpriv from the parent script to test the second way on every machine.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { eventually, isAlive as alive, runScript, withinSeconds } from './support/helpers.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/orphan-parent.ts', import.meta.url));
/** The parent script of the Process cases: two Processes (a daemon and a non-daemon) running their targets. */
const PROCESS_SCRIPT = fileURLToPath(new URL('./fixtures/orphan-process-parent.ts', import.meta.url));
const TAG_VAR = 'MULTIPOOL_ORPHAN_TAG';
/** What a parent puts in the environment of a child it started with a parent-death signal. */
const KERNEL_WATCH = 'MULTIPOOL_KERNEL_WATCH=1';
/** The API's bound for the workers to go once their parent is gone. */
const GRACE_MS = 5000;
const READY_MS = 20_000;

type Kind = 'Pool' | 'ThreadPool' | 'ProcessPoolExecutor' | 'Process';
/** idle: workers wait for work; busy: each awaits a never-settling promise; spin: each runs a synchronous loop. */
type Mode = 'idle' | 'busy' | 'spin';
/** Who notices the parent's death in a busy child: whatever the platform offers, or the watchdog thread. */
type Watch = 'default' | 'watchdog';

/** The PATH's directories that hold a setpriv able to set a parent-death signal (util-linux 2.33 or later). */
function setprivDirs(): string[] {
  return (process.env.PATH ?? '').split(delimiter).filter((dir) => {
    try {
      return dir !== '' && readFileSync(join(dir, 'setpriv')).includes('pdeathsig');
    } catch {
      return false;
    }
  });
}

/** Whether the kernel watches the parent of children started in the default way on this machine. */
const KERNEL_WATCHES = process.platform === 'linux' && setprivDirs().length > 0;

/** The environment of the parent script: `watchdog` leaves every directory holding a setpriv off its PATH. */
function scriptEnv(tag: string, watch: Watch): NodeJS.ProcessEnv {
  const env = { ...process.env, [TAG_VAR]: tag };
  if (watch === 'default') return env;
  const hidden = new Set(setprivDirs());
  return { ...env, PATH: (process.env.PATH ?? '').split(delimiter).filter((dir) => !hidden.has(dir)).join(delimiter) };
}

/** Whether a process was started with the kernel's watch over its parent. */
function kernelWatched(pid: number): boolean {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(KERNEL_WATCH);
}

/** Live processes whose environment holds `TAG_VAR=tag`: the parent script and everything it started. */
function tagged(tag: string): number[] {
  const needle = `${TAG_VAR}=${tag}`;
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(needle) && alive(Number(name))) pids.push(Number(name));
    } catch {
      // Gone while we looked, or not ours to read.
    }
  }
  return pids;
}

interface Launched {
  readonly child: ChildProcess;
  readonly parent: number;
  readonly pids: number[];
  readonly tag: string;
  /** Resolves with the next line of the script's stdout after the pids. */
  readonly nextLine: () => Promise<string>;
}

/** Starts the parent script and waits for its `{ parent, pids }` line. */
async function launch(kind: Kind, mode: Mode, watch: Watch): Promise<Launched> {
  const tag = randomUUID();
  const script = runScript(kind === 'Process' ? PROCESS_SCRIPT : SCRIPT, [kind, mode], scriptEnv(tag, watch));
  const nextLine = (): Promise<string> => withinSeconds(READY_MS / 1000, script.nextLine(), 'the parent script\'s next line');
  const { parent, pids } = JSON.parse(await nextLine()) as { parent: number; pids: number[] };
  return { child: script.child, parent, pids, tag, nextLine };
}

/** Kills the parent script with `signal`; returns the pids (workers and tagged processes) still alive after GRACE_MS. */
async function killParent(launched: Launched, signal: NodeJS.Signals): Promise<{ survivors: number[]; parentAlive: boolean }> {
  const { child, parent, pids, tag } = launched;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
  const gone = (): boolean => !pids.some(alive) && tagged(tag).length === 0;
  await eventually(gone, GRACE_MS);
  return { survivors: [...new Set([...pids.filter(alive), ...tagged(tag)])], parentAlive: alive(parent) };
}

/** Whatever happens, no process of this case survives the test. */
function cleanUp(launched: Launched | null): void {
  if (!launched) return;
  for (const pid of new Set([launched.parent, ...launched.pids, ...tagged(launched.tag)])) {
    try {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

interface Case {
  readonly kind: Kind;
  readonly mode: Mode;
  readonly signal: NodeJS.Signals;
  /** A known library bug: the case passes while workers survive, and fails once the bug is fixed. */
  readonly knownBug?: string;
  readonly watch?: Watch;
}

const CASES: readonly Case[] = [
  { kind: 'Pool', mode: 'idle', signal: 'SIGKILL' },
  { kind: 'Pool', mode: 'idle', signal: 'SIGTERM' },
  { kind: 'Pool', mode: 'busy', signal: 'SIGKILL' },
  { kind: 'Pool', mode: 'busy', signal: 'SIGTERM' },
  { kind: 'ProcessPoolExecutor', mode: 'idle', signal: 'SIGKILL' },
  { kind: 'ProcessPoolExecutor', mode: 'busy', signal: 'SIGKILL' },
  // Threads cannot outlive their process; this checks that nothing else was started either.
  { kind: 'ThreadPool', mode: 'idle', signal: 'SIGKILL' },
  // A worker stuck in synchronous code never sees its IPC channel close: it only exits once its task ends.
  { kind: 'Pool', mode: 'spin', signal: 'SIGKILL' },
  // Processes print their pids once their targets run; a spinning one is found by its watchdog thread.
  { kind: 'Process', mode: 'busy', signal: 'SIGKILL' },
  { kind: 'Process', mode: 'spin', signal: 'SIGKILL' },
  // Where the kernel would watch, these take the other way: only the watchdog thread can end a spinning child.
  { kind: 'Pool', mode: 'spin', signal: 'SIGKILL', watch: 'watchdog' },
  { kind: 'Process', mode: 'spin', signal: 'SIGKILL', watch: 'watchdog' },
];

const holding = (c: Case): string => (c.kind === 'Process' ? `2 ${c.mode} Processes` : `a ${c.kind} of 2 ${c.mode} workers`);
const watchedBy = (c: Case): string => (c.watch === 'watchdog' ? ' (watchdog thread, no setpriv on the PATH)' : '');
const title = (c: Case): string =>
  `${c.signal} to a parent script with ${holding(c)}${watchedBy(c)}: no worker survives it by ${GRACE_MS / 1000} s${c.knownBug ? ` [known bug: ${c.knownBug}]` : ''}`;

test.each(CASES.map((c) => ({ ...c, title: title(c) })))(
  '$title',
  async ({ kind, mode, signal, knownBug, watch = 'default' }) => {
    let launched: Launched | null = null;
    try {
      launched = await launch(kind, mode, watch);
      const { parent, pids } = launched;
      expect(pids).toHaveLength(2);
      if (kind === 'ThreadPool') expect(pids).toEqual([parent, parent]);
      else {
        expect(new Set(pids).size).toBe(2);
        expect(pids).not.toContain(parent);
        expect(pids.map(kernelWatched)).toEqual(pids.map(() => watch === 'default' && KERNEL_WATCHES));
      }
      expect(pids.every(alive)).toBe(true);
      if (mode === 'spin' && kind !== 'Process') {
        // taskStart means sent; wait until both workers say they are in their loops (past loading the task module).
        const spinning = [await launched.nextLine(), await launched.nextLine()];
        expect(spinning.sort()).toEqual(pids.map((pid) => `spinning ${pid}`).sort());
      }
      const { survivors, parentAlive } = await killParent(launched, signal);
      expect(parentAlive).toBe(false);
      if (knownBug) {
        if (survivors.length === 0) throw new Error(`Known bug fixed (${knownBug}): drop knownBug from this case.`);
        expect(survivors.length).toBeGreaterThan(0);
      } else {
        expect(survivors).toEqual([]);
      }
    } finally {
      cleanUp(launched);
    }
  },
  READY_MS + GRACE_MS + 15_000,
);

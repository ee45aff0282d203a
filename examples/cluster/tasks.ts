/**
 * The task module a cluster serves: worker hosts load it with `--tasks`, clients pass its exports with
 * task(import.meta.url, fn). Both sides name a task by this file's path within the package plus the
 * export name (examples/cluster/tasks.ts#wordCount), so run both from the same checkout or package.
 */
import { createHash } from 'node:crypto';

/** Counts the words of one text. */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Hashes a text `rounds` times over: CPU work worth sending to another machine. */
export function stretch(text: string, rounds: number): string {
  let digest = text;
  for (let i = 0; i < rounds; i++) digest = createHash('sha256').update(digest).digest('hex');
  return digest;
}

/** Which host ran a task: its process is the parent of the local worker that runs it. */
export function hostPid(): number {
  return process.ppid;
}

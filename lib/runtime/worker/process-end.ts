/**
 * How the worker of a `Process` ends once its target has run, as Python's child does after `run()`: a
 * target that threw has its stack printed on stderr (Python prints the traceback), the worker waits for its
 * own non-daemon children (Python joins them at exit), then exits with 1 after a throw and 0 otherwise.
 */
import { inspect } from 'node:util';

import { joinNonDaemonChildren } from '../../internal/children.js';
import { identity } from '../../internal/identity.js';
import type { WireOutcome, WireThrown } from '../protocol.js';

export async function endProcess(outcome: WireOutcome): Promise<never> {
  const threw = outcome.kind === 'error';
  if (threw) process.stderr.write(`Process ${identity().name}:\n${describeThrown(outcome)}\n`);
  await joinNonDaemonChildren();
  // process.exit() drops writes still queued for a pipe whose reader is behind; Python flushes before it exits too.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(threw ? 1 : 0);
}

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}

/** The stack of what the target threw, with the explanation the worker may have put in its message. */
function describeThrown(thrown: WireThrown): string {
  if ('raw' in thrown) return `Uncaught ${inspect(thrown.raw)}`;
  const { stack, message } = thrown.error;
  return stack.includes(message) ? stack : `${stack}\n${message}`;
}

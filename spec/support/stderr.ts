/**
 * Expected noise on stderr, kept out of a green run. Specs that crash a worker on purpose make the dying
 * child process print its report (tinypool pipes a child's stderr into ours), and specs that check
 * `process.emitWarning` make Node print the warning. `expectStderr` captures stderr around such a test,
 * drops the reports it was told to expect, and passes everything else on; when the test fails it passes on
 * everything it captured.
 */

/** V8's report when a process runs out of heap (a child given a small `maxOldGenerationSizeMb`). */
export const HEAP_LIMIT = /\n*<--- Last few GCs --->\n[\s\S]*?FATAL ERROR: Reached heap limit[^\n]*\n(?:-+ Native stack trace -+\n)?(?:[ \t]*\d+: 0x[^\n]*\n|\n)*/g;

/** Node's report of an error that killed a process: source line, caret, the error, its stack, the version. */
export function crashReport(message: string): RegExp {
  const escaped = message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(String.raw`[^\n]*:\d+\n[^\n]*\n[ \t]*\^\n\n+\w*Error(?: \[\w+\])?: ${escaped}[\s\S]*?\nNode\.js v[\d.]+\n`, 'g');
}

/** Node's printout of a `process.emitWarning` whose message contains `text` (with the stack of an Error warning). */
export function warningPrintout(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(String.raw`\(node:\d+\) \w*Warning: [^\n]*${escaped}[^\n]*\n(?:[ \t]+at [^\n]*\n)*(?:\(Use \`node --trace-warnings[^\n]*\n)?`, 'g');
}

/** How long to wait for a dying child's report, which may arrive after its exit was reported. */
const REPORT_WAIT_MS = 5000;
const QUIET_MS = 100;

/**
 * Runs `body` with stderr captured; on success drops every match of `expected` (waiting a little for each
 * to arrive) and writes the rest through.
 */
export async function expectStderr<T>(expected: readonly RegExp[], body: () => Promise<T>): Promise<T> {
  if (expected.length === 0) return body();
  let captured = '';
  let last = Date.now();
  const write = Reflect.get<NodeJS.WriteStream, 'write'>(process.stderr, 'write');
  const had = Object.getOwnPropertyDescriptor(process.stderr, 'write');
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    last = Date.now();
    const done = rest.find((arg) => typeof arg === 'function') as ((error?: Error | null) => void) | undefined;
    done?.();
    return true;
  });
  let ok = false;
  try {
    const result = await body();
    ok = true;
    return result;
  } finally {
    if (ok) {
      const until = Date.now() + REPORT_WAIT_MS;
      const arrived = (): boolean => expected.every((pattern) => new RegExp(pattern.source).test(captured));
      while (Date.now() < until && (!arrived() || Date.now() - last < QUIET_MS)) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (had) Object.defineProperty(process.stderr, 'write', had);
    else Reflect.deleteProperty(process.stderr, 'write');
    let rest = captured;
    if (ok) for (const pattern of expected) rest = rest.replace(pattern, '');
    if (rest.trim() !== '') write.call(process.stderr, rest);
  }
}

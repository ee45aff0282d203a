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

/** Captures what is written to stderr until `stop()`, which restores it and returns the text. */
function captureWrites(): { text: () => string; quietFor: () => number; stop: () => { text: string; write: (text: string) => void } } {
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
  return {
    text: () => captured,
    quietFor: () => Date.now() - last,
    stop: () => {
      if (had) Object.defineProperty(process.stderr, 'write', had);
      else Reflect.deleteProperty(process.stderr, 'write');
      return { text: captured, write: (text: string) => void write.call(process.stderr, text) };
    },
  };
}

/** Waits (up to REPORT_WAIT_MS) until every pattern has matched the captured text and stderr has been quiet a moment. */
async function awaitReports(capture: ReturnType<typeof captureWrites>, expected: readonly RegExp[]): Promise<void> {
  const until = Date.now() + REPORT_WAIT_MS;
  const arrived = (): boolean => expected.every((pattern) => new RegExp(pattern.source).test(capture.text()));
  while (Date.now() < until && (!arrived() || capture.quietFor() < QUIET_MS)) await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Runs `body` with stderr captured; on success drops every match of `expected` (waiting a little for each
 * to arrive) and writes the rest through.
 */
export async function expectStderr<T>(expected: readonly RegExp[], body: () => Promise<T>): Promise<T> {
  if (expected.length === 0) return body();
  const capture = captureWrites();
  let ok = false;
  try {
    const result = await body();
    ok = true;
    return result;
  } finally {
    if (ok) await awaitReports(capture, expected);
    const { text, write } = capture.stop();
    let rest = text;
    if (ok) for (const pattern of expected) rest = rest.replace(pattern, '');
    if (rest.trim() !== '') write(rest);
  }
}

/**
 * Runs `body` with stderr captured and returns what was written once `report` has arrived (or after
 * REPORT_WAIT_MS), for a test that asserts what was printed; the report is kept out of the run's output,
 * everything else is passed through.
 */
export async function stderrOf(report: RegExp, body: () => Promise<unknown>): Promise<string> {
  const capture = captureWrites();
  let ok = false;
  try {
    await body();
    ok = true;
  } finally {
    if (ok) await awaitReports(capture, [report]);
    const { text, write } = capture.stop();
    const rest = ok ? text.replace(new RegExp(report.source, 'g'), '') : text;
    if (rest.trim() !== '') write(rest);
  }
  return capture.text();
}

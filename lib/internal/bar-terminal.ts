/**
 * The terminal under a progress bar, with tqdm's `write` built in. cli-progress
 * draws the bar through this object (its `terminal` option); while a bar is
 * open, every other write to stderr, and to stdout when it is the terminal too
 * (`console.log`, a worker's output), first clears the bar's line, then prints,
 * then draws the bar again below it. So a logged line never lands inside the
 * bar, and the bar never jumps back to where it started (cli-progress's own
 * terminal saves and restores the cursor, which puts whatever is printed after
 * the loop on an earlier line).
 */
type Write = NodeJS.WriteStream['write'];

const ERASE_LINE = '\r\u001b[2K';
const ERASE_RIGHT = '\u001b[K';

/** Bars on screen now, and what the guard replaced. */
const open = new Set<BarTerminal>();
let guard: { restore: () => void; stderr: Write } | null = null;

/** Writes to stderr past the guard. */
function raw(text: string): void {
  (guard?.stderr ?? process.stderr.write).call(process.stderr, text);
}

/** The methods cli-progress calls on its terminal. */
export class BarTerminal {
  /** The bar as last drawn. */
  #line = '';
  /** The bar is on screen, on the cursor's line. */
  #shown = false;
  /** A line someone else printed is unfinished: draw nothing until it ends. */
  #held = false;

  /** Starts guarding the terminal's other writers; call before the bar starts. */
  open(): void {
    open.add(this);
    guard ??= installGuard();
  }

  /** Ends a line someone else left unfinished, so the bar's final state gets a line of its own. */
  endLine(): void {
    if (this.#held) raw('\n');
    this.#held = false;
  }

  /** Stops guarding once no bar is open; call after the bar stopped. */
  close(): void {
    open.delete(this);
    if (open.size === 0) {
      guard?.restore();
      guard = null;
    }
  }

  isTTY(): boolean {
    return true;
  }

  getWidth(): number {
    return process.stderr.columns || 80;
  }

  // Deliberately nothing: the bar stays on the line it is drawn on, below what was printed meanwhile.
  cursorSave(): void {}
  cursorRestore(): void {}
  cursorTo(): void {}
  cursorRelative(): void {}
  cursorRelativeReset(): void {}
  clearRight(): void {}
  clearBottom(): void {}

  cursor(visible: boolean): void {
    raw(visible ? '\u001b[?25h' : '\u001b[?25l');
  }

  lineWrapping(enabled: boolean): void {
    raw(enabled ? '\u001b[?7h' : '\u001b[?7l');
  }

  clearLine(): void {
    this.hide();
  }

  newline(): void {
    raw('\n');
    this.#shown = false;
  }

  /** cli-progress hands over the whole bar, to be drawn at the start of the line. */
  write(text: string): void {
    this.#line = text.slice(0, Math.max(this.getWidth() - 1, 1));
    this.#draw();
  }

  /** Another writer is about to print: take the bar off its line. */
  hide(): void {
    if (!this.#shown) return;
    raw(ERASE_LINE);
    this.#shown = false;
  }

  /** Another writer printed: draw the bar again below, unless its line is unfinished. */
  after(endsLine: boolean): void {
    this.#held = !endsLine;
    this.#draw();
  }

  #draw(): void {
    if (this.#held) return;
    raw(`\r${this.#line}${ERASE_RIGHT}`);
    this.#shown = true;
  }
}

function endsLine(chunk: unknown): boolean {
  if (typeof chunk === 'string') return chunk.endsWith('\n');
  return chunk instanceof Uint8Array && chunk.at(-1) === 0x0a;
}

/** Wraps `write` of stderr (and of stdout when it is a terminal) so other output goes around the bars. */
function installGuard(): { restore: () => void; stderr: Write } {
  const streams = process.stdout.isTTY ? [process.stderr, process.stdout] : [process.stderr];
  const saved = streams.map((stream) => ({ own: Object.getOwnPropertyDescriptor(stream, 'write'), write: Reflect.get<NodeJS.WriteStream, 'write'>(stream, 'write') }));
  const wrappers = saved.map(
    ({ write }) =>
      function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
        for (const bar of open) bar.hide();
        const written = (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
        const ends = endsLine(chunk);
        for (const bar of open) bar.after(ends);
        return written;
      },
  );
  streams.forEach((stream, i) => {
    stream.write = wrappers[i] as Write;
  });
  const restore = (): void =>
    streams.forEach((stream, i) => {
      // Someone who wrapped `write` after us keeps theirs (ours then passes through, with no bar open).
      if (stream.write !== wrappers[i]) return;
      const own = saved[i]?.own;
      if (own) Object.defineProperty(stream, 'write', own);
      else Reflect.deleteProperty(stream, 'write');
    });
  return { restore, stderr: saved[0]?.write as Write };
}

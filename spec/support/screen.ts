/**
 * What a terminal shows after it received `output`: enough of a VT100 for what progress bars and readline
 * write (text, \r, \n, cursor moves and column jumps, erase in line/display, save/restore cursor), so a
 * spec can read the screen that `script` captured instead of a stream of escape codes.
 */
export function screenOf(output: string): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  let saved = { row: 0, col: 0 };
  const line = (): string[] => (lines[row] ??= []);
  const pattern = /\u001b\[([?\d;]*)([A-Za-z])|\u001b([78])|([\r\n\b])|([^\u001b\r\n\b]+)/gu;
  for (const [, params = '', command, save, control, text] of output.matchAll(pattern)) {
    if (text !== undefined) {
      for (const char of text) line()[col++] = char;
    } else if (control === '\r') {
      col = 0;
    } else if (control === '\n') {
      row++;
      line();
    } else if (control === '\b') {
      col = Math.max(col - 1, 0);
    } else if (save === '7') {
      saved = { row, col };
    } else if (save === '8') {
      ({ row, col } = saved);
    } else if (command !== undefined && !params.startsWith('?')) {
      const n = Number(params || (command === 'K' || command === 'J' ? 0 : 1));
      if (command === 'A') row = Math.max(row - n, 0);
      else if (command === 'B') row += n;
      else if (command === 'C') col += n;
      else if (command === 'D') col = Math.max(col - n, 0);
      else if (command === 'G') col = n - 1;
      else if (command === 'K') lines[row] = n === 0 ? line().slice(0, col) : n === 1 ? [...Array<string>(col).fill(' '), ...line().slice(col)] : [];
      else if (command === 'J' && n === 0) {
        lines[row] = line().slice(0, col);
        lines.length = row + 1;
      }
    }
  }
  // Columns skipped over (cursor moves) are holes: blanks on a screen.
  return lines.map((chars) => Array.from(chars, (char: string | undefined) => char ?? ' ').join('').trimEnd());
}

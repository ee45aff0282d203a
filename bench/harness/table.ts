/**
 * The one results table: a row per workload, a column per contender, and a
 * last column with our targets' ratios. Failures and skips get numbered
 * notes under the table so the cells stay short.
 */
import type { ContenderId } from './contenders.js';
import { CONTENDERS, OURS, PEERS } from './contenders.js';
import type { Cell } from './measure.js';

/**
 * A target on one row. `atMost`: subject / reference ≤ limit (latency, time).
 * `speedupAtLeast`: reference / subject ≥ limit (speed-up over a baseline).
 */
export interface Target {
  readonly subject: ContenderId;
  readonly reference: ContenderId;
  readonly kind: 'atMost' | 'speedupAtLeast';
  readonly limit: number;
}

/**
 * A ratio shown in the last column for orientation only (no goal, no
 * verdict): for rows whose columns are not the peer libraries, where the
 * default "best ours / best peer" would say nothing.
 */
export interface Comparison {
  readonly subject: ContenderId;
  readonly reference: ContenderId;
}

export interface Row {
  readonly title: string;
  readonly unit: string;
  readonly cells: Partial<Record<ContenderId, Cell>>;
  readonly targets: readonly Target[];
  readonly comparisons?: readonly Comparison[] | undefined;
}

export interface Verdict {
  readonly row: string;
  readonly text: string;
  /** null when a cell the target needs is missing or failed. */
  readonly met: boolean | null;
}

const LABEL = new Map<ContenderId, string>(CONTENDERS.map((c) => [c.id, c.label]));
const SHORT: Partial<Record<ContenderId, string>> = {
  pool: 'Pool',
  threadPool: 'ThreadPool',
  processExecutor: 'ProcessPoolExecutor',
  threadExecutor: 'ThreadPoolExecutor',
};

function shortName(id: ContenderId): string {
  return SHORT[id] ?? LABEL.get(id) ?? id;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function okValue(cell: Cell | undefined): number | null {
  return cell?.kind === 'ok' ? cell.value : null;
}

export function evaluate(row: Row, target: Target): Verdict {
  const subject = okValue(row.cells[target.subject]);
  const reference = okValue(row.cells[target.reference]);
  const speedup = target.kind === 'speedupAtLeast';
  const name = speedup
    ? `${shortName(target.subject)} speed-up vs ${shortName(target.reference)}`
    : `${shortName(target.subject)} / ${shortName(target.reference)}`;
  const goal = speedup ? `≥ ${target.limit}×` : `≤ ${target.limit}×`;
  if (subject === null || reference === null || subject <= 0) {
    return { row: row.title, text: `${name}: n/a (goal ${goal})`, met: null };
  }
  const ratio = speedup ? reference / subject : subject / reference;
  const met = speedup ? ratio >= target.limit : ratio <= target.limit;
  return { row: row.title, text: `${name} = ${ratio.toFixed(2)}× (goal ${goal}) ${met ? 'MET' : 'MISSED'}`, met };
}

function comparisonText(row: Row, comparison: Comparison): string {
  const subject = okValue(row.cells[comparison.subject]);
  const reference = okValue(row.cells[comparison.reference]);
  const ratio = subject === null || reference === null || reference <= 0 ? 'n/a' : `${(subject / reference).toFixed(2)}×`;
  return `info: ${shortName(comparison.subject)} / ${shortName(comparison.reference)} = ${ratio}`;
}

/** For rows with neither targets nor comparisons: the better of ours against the best peer library, for orientation. */
function information(row: Row): string {
  const best = (ids: readonly ContenderId[]): number | null => {
    const values = ids.map((id) => okValue(row.cells[id])).filter((v): v is number => v !== null);
    return values.length > 0 ? Math.min(...values) : null;
  };
  const ours = best(OURS);
  const peers = best(PEERS);
  if (ours === null || peers === null) return '—';
  return `info: best ours / best peer = ${(ours / peers).toFixed(2)}×`;
}

export interface Rendered {
  readonly markdown: string;
  readonly verdicts: readonly Verdict[];
}

export function render(rows: readonly Row[]): Rendered {
  // One note per distinct reason: the cell's position already says which row and contender.
  const notes: string[] = [];
  const verdicts: Verdict[] = [];
  const cellText = (cell: Cell | undefined): string => {
    if (!cell) return '—';
    if (cell.kind === 'ok') return formatNumber(cell.value);
    if (!notes.includes(cell.reason)) notes.push(cell.reason);
    return `${cell.kind === 'fail' ? 'FAIL' : 'n/a'} [${notes.indexOf(cell.reason) + 1}]`;
  };
  const header = ['Workload', 'Unit', ...CONTENDERS.map((c) => c.label), 'Targets (ratio)'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 || i === header.length - 1 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) {
    const rowVerdicts = row.targets.map((target) => evaluate(row, target));
    verdicts.push(...rowVerdicts);
    // Targets first, then the row's own comparisons; a row with neither gets the peer orientation.
    const parts = [...rowVerdicts.map((v) => v.text), ...(row.comparisons ?? []).map((c) => comparisonText(row, c))];
    const targetText = parts.length > 0 ? parts.join('<br>') : information(row);
    const cells = CONTENDERS.map((c) => cellText(row.cells[c.id]));
    lines.push(`| ${[row.title, row.unit, ...cells, targetText].join(' | ')} |`);
  }
  const noteLines = notes.map((note, i) => `- [${i + 1}] ${note.replaceAll('|', '\\|')}`);
  const markdown = [...lines, ...(noteLines.length > 0 ? ['', ...noteLines] : [])].join('\n');
  return { markdown, verdicts };
}

/**
 * The one results table: a row per workload, a column per contender, and a
 * last column with our targets' ratios. Failures and skips get numbered
 * notes under the table so the cells stay short.
 */
import type { ContenderId } from './contenders.js';
import { CONTENDERS, OURS, PEERS } from './contenders.js';
import type { Cell } from './measure.js';

/**
 * A target on one row, always read as "ratio vs limit":
 * - `atMost`: subject / reference ≤ limit (latency, time: lower is better).
 * - `atLeast`: subject / reference ≥ limit (rates: higher is better).
 * - `speedupAtLeast`: reference / subject ≥ limit (speed-up over a baseline).
 * - `relativeSpeedupAtLeast`: the subject's speed-up over `baseline` divided
 *   by the reference's speed-up over the same baseline ≥ limit (a pool's
 *   scaling against the raw transport's scaling, both measured in this run).
 */
export type Target =
  | {
      readonly subject: ContenderId;
      readonly reference: ContenderId;
      readonly kind: 'atMost' | 'atLeast' | 'speedupAtLeast';
      readonly limit: number;
    }
  | {
      readonly subject: ContenderId;
      readonly reference: ContenderId;
      readonly baseline: ContenderId;
      readonly kind: 'relativeSpeedupAtLeast';
      readonly limit: number;
    };

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
  /** True for rates (ops/s): the unit is marked ↑ and the orientation ratio takes the best as the highest. */
  readonly higherIsBetter?: boolean | undefined;
}

/** The unit as the table shows it: rows where higher is better are marked ↑. */
export function unitText(row: Row): string {
  return row.higherIsBetter ? `${row.unit} ↑` : row.unit;
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

/** `≤ 1.3×` or `≥ 1.5×`: every kind but `atMost` is a floor. */
function goalText(target: Target): string {
  return `${target.kind === 'atMost' ? '≤' : '≥'} ${target.limit}×`;
}

/**
 * The verdict line: the ratio, then the figures it comes from (so the raw
 * floor or the peer's number is printed next to every target), the goal,
 * and whether it was met.
 */
export function evaluate(row: Row, target: Target): Verdict {
  const subject = okValue(row.cells[target.subject]);
  const reference = okValue(row.cells[target.reference]);
  const s = shortName(target.subject);
  const r = shortName(target.reference);
  const goal = goalText(target);
  const missing = (name: string): Verdict => ({ row: row.title, text: `${name}: n/a (goal ${goal})`, met: null });
  const verdict = (name: string, ratio: number, figures: string): Verdict => {
    const met = target.kind === 'atMost' ? ratio <= target.limit : ratio >= target.limit;
    return { row: row.title, text: `${name} = ${ratio.toFixed(2)}× (${figures}; goal ${goal}) ${met ? 'MET' : 'MISSED'}`, met };
  };
  switch (target.kind) {
    case 'atMost':
    case 'atLeast': {
      const name = `${s} / ${r}`;
      if (subject === null || reference === null || reference <= 0) return missing(name);
      return verdict(name, subject / reference, `${formatNumber(subject)} vs ${formatNumber(reference)} ${row.unit}`);
    }
    case 'speedupAtLeast': {
      const name = `${s} speed-up vs ${r}`;
      if (subject === null || reference === null || subject <= 0) return missing(name);
      return verdict(name, reference / subject, `${formatNumber(reference)} / ${formatNumber(subject)} ${row.unit}`);
    }
    case 'relativeSpeedupAtLeast': {
      const baseline = okValue(row.cells[target.baseline]);
      const b = shortName(target.baseline);
      const name = `${s} speed-up / ${r} speed-up`;
      if (subject === null || reference === null || baseline === null || subject <= 0 || reference <= 0) return missing(name);
      const ours = baseline / subject;
      const raw = baseline / reference;
      return verdict(name, ours / raw, `over ${b}: ${s} ${ours.toFixed(2)}×, ${r} ${raw.toFixed(2)}×`);
    }
  }
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
    if (values.length === 0) return null;
    return row.higherIsBetter ? Math.max(...values) : Math.min(...values);
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
    lines.push(`| ${[row.title, unitText(row), ...cells, targetText].join(' | ')} |`);
  }
  const noteLines = notes.map((note, i) => `- [${i + 1}] ${note.replaceAll('|', '\\|')}`);
  const markdown = [...lines, ...(noteLines.length > 0 ? ['', ...noteLines] : [])].join('\n');
  return { markdown, verdicts };
}

/**
 * Small-count suppression for equality monitoring and any published count.
 *
 * A count of one to a few people can identify them, so (uk-standards.md §7):
 * - primary suppression hides every count under a threshold: 5 on staff
 *   pages, 10 in anything published;
 * - secondary suppression hides more counts, so that no hidden count can be
 *   worked out by subtracting the shown ones from a total.
 *
 * A true zero is shown: it is nobody, so it identifies nobody. Pass
 * `hideZeros: true` where even "nobody in this group" would say too much.
 *
 * Both functions work on one model: every count and every total is an entry,
 * and each row or column with its total is a line, whose entries sum to its
 * total. Hidden entries are unknowns in those sums. One hidden entry alone in a
 * line can be worked out from the line; and in a table, where every entry
 * lies in one row and one column, a hidden entry can be worked out exactly
 * when it is a bridge between the lines (taking the lines as nodes and the
 * hidden entries as edges), the pattern that links two groups of hidden cells
 * by one cell. So secondary suppression first gives every line none or at
 * least two hidden entries, then breaks any bridge left. It protects against
 * exact recovery; a reader can still bound a hidden count by its line's total.
 */

/** Why a count is hidden: under the threshold itself, or to protect one that is. */
export type Suppression = 'primary' | 'secondary';

/** A count as it may be shown: its value, or null and the reason it is hidden. */
export type Cell = { value: number; suppressed: false } | { value: null; suppressed: Suppression };

export type SuppressionOptions = {
  /** Hide zeros as if they were small counts. Default false: a zero is nobody. */
  hideZeros?: boolean;
};

/** Entries (counts and totals, flattened) and the lines whose sums tie them together. */
type Grid = {
  values: number[];
  hidden: (Suppression | false)[];
  /** Each line's entry indexes; the last one is the line's total. */
  lines: number[][];
  /** For each entry, the lines it lies in. */
  linesOf: number[][];
};

/** One line of cells with its total, each suppressed so no hidden count can be worked out. */
export function suppressList(
  counts: number[],
  threshold: number,
  options: SuppressionOptions = {},
): { cells: Cell[]; total: Cell } {
  assertCounts(counts, threshold);
  const total = sum(counts);
  const grid = buildGrid([...counts, total], [[...counts.keys(), counts.length]]);
  suppressGrid(grid, threshold, options.hideZeros ?? false);
  const cells = grid.values.map((_, index) => cellOf(grid, index));
  return { cells: cells.slice(0, -1), total: cells[cells.length - 1]! };
}

/**
 * A table of counts with row and column totals, suppressed so no hidden count
 * can be worked out from its row, its column, or the totals' own sums (the
 * column totals add up to the grand total, as do the row totals).
 */
export function suppressTable(
  counts: number[][],
  threshold: number,
  options: SuppressionOptions = {},
): { cells: Cell[][]; rowTotals: Cell[]; colTotals: Cell[]; grandTotal: Cell } {
  const rows = counts.length;
  const cols = counts[0]?.length ?? 0;
  if (rows === 0 || cols === 0 || counts.some((row) => row.length !== cols)) {
    throw new RangeError('A table needs at least one row and one column, all the same length');
  }
  assertCounts(counts.flat(), threshold);
  const grid = buildGrid(withMargins(counts).flat(), tableLines(rows, cols));
  suppressGrid(grid, threshold, options.hideZeros ?? false);
  const at = (row: number, col: number) => cellOf(grid, row * (cols + 1) + col);
  const range = (n: number) => [...Array(n).keys()];
  return {
    cells: range(rows).map((row) => range(cols).map((col) => at(row, col))),
    rowTotals: range(rows).map((row) => at(row, cols)),
    colTotals: range(cols).map((col) => at(rows, col)),
    grandTotal: at(rows, cols),
  };
}

/** How a cell reads in English: "12", "fewer than 5", or "hidden" for a count that may be large. */
export function describeCell(cell: Cell, threshold: number): string {
  if (cell.suppressed === false) return cell.value.toLocaleString('en-GB');
  return cell.suppressed === 'primary' ? `fewer than ${threshold}` : 'hidden';
}

function assertCounts(counts: number[], threshold: number): void {
  if (!Number.isSafeInteger(threshold) || threshold < 1) {
    throw new RangeError(`The threshold must be a whole number of at least 1, not ${threshold}`);
  }
  const bad = counts.find((n) => !Number.isSafeInteger(n) || n < 0);
  if (bad !== undefined)
    throw new RangeError(`Counts must be whole numbers of 0 or more, not ${bad}`);
}

function sum(values: number[]): number {
  return values.reduce((total, n) => total + n, 0);
}

/** The table with each row's total appended and a last row of column totals and the grand total. */
function withMargins(counts: number[][]): number[][] {
  const rows = counts.map((row) => [...row, sum(row)]);
  const totals = rows[0]!.map((_, col) => sum(rows.map((row) => row[col]!)));
  return [...rows, totals];
}

/** Every row, then every column, of a table with margins, each line ending with its total. */
function tableLines(rows: number, cols: number): number[][] {
  const index = (row: number, col: number) => row * (cols + 1) + col;
  const byRow = [...Array(rows + 1).keys()].map((row) =>
    [...Array(cols + 1).keys()].map((col) => index(row, col)),
  );
  const byCol = [...Array(cols + 1).keys()].map((col) =>
    [...Array(rows + 1).keys()].map((row) => index(row, col)),
  );
  return [...byRow, ...byCol];
}

function buildGrid(values: number[], lines: number[][]): Grid {
  const linesOf: number[][] = values.map(() => []);
  lines.forEach((line, lineIndex) => line.forEach((entry) => linesOf[entry]!.push(lineIndex)));
  return { values, hidden: values.map(() => false), lines, linesOf };
}

function cellOf(grid: Grid, index: number): Cell {
  const suppressed = grid.hidden[index]!;
  return suppressed === false
    ? { value: grid.values[index]!, suppressed }
    : { value: null, suppressed };
}

/** Primary suppression, then secondary until no hidden entry can be worked out. */
function suppressGrid(grid: Grid, threshold: number, hideZeros: boolean): void {
  const isSmall = (n: number) => n < threshold && (hideZeros || n > 0);
  grid.values.forEach((value, entry) => {
    if (isSmall(value)) grid.hidden[entry] = 'primary';
  });
  hideLinesWithSmallTotals(grid);
  for (;;) {
    protectLoneEntries(grid);
    const bridge = findBridge(grid);
    if (bridge === undefined) return;
    hide(grid, chooseAcross(grid, bridge));
  }
}

function hide(grid: Grid, entry: number): void {
  if (grid.hidden[entry] === false) grid.hidden[entry] = 'secondary';
}

function hiddenIn(grid: Grid, line: number[]): number {
  return line.filter((entry) => grid.hidden[entry] !== false).length;
}

/**
 * A group under the threshold is hidden whole: its zeros shown beside its
 * hidden counts would say that everyone in it gave the other answers. When
 * the grand total (the last entry) is small, that is every entry.
 */
function hideLinesWithSmallTotals(grid: Grid): void {
  const grandTotal = grid.values.length - 1;
  if (grid.hidden[grandTotal] === 'primary') {
    grid.values.forEach((_, entry) => hide(grid, entry));
    return;
  }
  for (const line of grid.lines) {
    const total = line[line.length - 1]!;
    if (grid.hidden[total] === 'primary') line.forEach((entry) => hide(grid, entry));
  }
}

/** Until every line has no hidden entry or at least two, hides a companion for each lone one. */
function protectLoneEntries(grid: Grid): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of grid.lines) {
      if (hiddenIn(grid, line) !== 1) continue;
      hide(grid, chooseCompanion(grid, line));
      changed = true;
    }
  }
}

/**
 * The entry to hide beside a lone hidden one, so the least is lost: first a
 * count whose other line also has one lone hidden entry, since one more
 * hidden count then protects two lines (over random tables this hides about a
 * fifth fewer, and smaller, counts than taking the smallest first); then the
 * smallest shown non-zero count, preferring one whose other line already
 * hides something; failing those a zero; failing that the line's total.
 */
function chooseCompanion(grid: Grid, line: number[]): number {
  const total = line[line.length - 1]!;
  const shown = line.slice(0, -1).filter((entry) => grid.hidden[entry] === false);
  const hiddenAcross = (entry: number) =>
    grid.linesOf[entry]!.filter((other) => grid.lines[other] !== line).map((other) =>
      hiddenIn(grid, grid.lines[other]!),
    );
  const pairsLone = (entry: number) => Number(hiddenAcross(entry).includes(1));
  const joinsHidden = (entry: number) => Number(hiddenAcross(entry).some((n) => n > 0));
  const ranked = shown
    .filter((entry) => grid.values[entry]! > 0)
    .sort(
      (a, b) =>
        pairsLone(b) - pairsLone(a) ||
        grid.values[a]! - grid.values[b]! ||
        joinsHidden(b) - joinsHidden(a),
    );
  return ranked[0] ?? shown[0] ?? total;
}

/** A hidden entry whose two lines are joined by no other chain of hidden entries. */
type Bridge = { sideA: Set<number>; sideB: Set<number> };

/** The first hidden entry that could be worked out by adding and subtracting whole lines. */
function findBridge(grid: Grid): Bridge | undefined {
  for (const [entry, lines] of grid.linesOf.entries()) {
    if (grid.hidden[entry] === false || lines.length !== 2) continue;
    const sideA = linesReachable(grid, lines[0]!, entry);
    if (!sideA.has(lines[1]!)) return { sideA, sideB: linesReachable(grid, lines[1]!, entry) };
  }
  return undefined;
}

/** Lines reachable from `start` through hidden entries that lie in two lines, not using `skip`. */
function linesReachable(grid: Grid, start: number, skip: number): Set<number> {
  const seen = new Set([start]);
  const queue = [start];
  for (let line = queue.pop(); line !== undefined; line = queue.pop()) {
    for (const entry of grid.lines[line]!) {
      if (entry === skip || grid.hidden[entry] === false) continue;
      for (const next of grid.linesOf[entry]!) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/**
 * A shown entry linking the two sides of a bridge, which puts the bridge on a
 * loop of hidden entries; the smallest non-zero one, else a zero. Secondary
 * suppression runs only once every line has none or two hidden, and then such
 * an entry always exists.
 */
function chooseAcross(grid: Grid, { sideA, sideB }: Bridge): number {
  const across = grid.linesOf.flatMap((lines, entry) => {
    const [first, second] = lines;
    if (grid.hidden[entry] !== false || first === undefined || second === undefined) return [];
    const links =
      (sideA.has(first) && sideB.has(second)) || (sideB.has(first) && sideA.has(second));
    return links ? [entry] : [];
  });
  const weight = (entry: number) => (grid.values[entry] === 0 ? Infinity : grid.values[entry]!);
  const best = across.sort((a, b) => weight(a) - weight(b))[0];
  if (best === undefined) throw new Error('No entry links the two sides of a suppression bridge');
  return best;
}

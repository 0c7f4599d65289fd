import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeCell, suppressList, suppressTable, type Cell } from './suppression.ts';

type TableResult = ReturnType<typeof suppressTable>;

/** A small seeded PRNG, so a failing random table can be found again. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counts with many small cells and some zeros, as equality breakdowns tend to have. */
function randomTable(random: () => number): number[][] {
  const rows = 2 + Math.floor(random() * 5);
  const cols = 2 + Math.floor(random() * 5);
  const count = () => {
    const roll = random();
    if (roll < 0.15) return 0;
    if (roll < 0.45) return 1 + Math.floor(random() * 9);
    return Math.floor(random() * 60);
  };
  return Array.from({ length: rows }, () => Array.from({ length: cols }, count));
}

function marginsOf(counts: number[][]) {
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const colTotals = counts[0]!.map((_, col) => counts.reduce((a, row) => a + row[col]!, 0));
  return { rowTotals, colTotals, grandTotal: rowTotals.reduce((a, b) => a + b, 0) };
}

/**
 * Each line of a suppressed table, as published cells beside the true counts:
 * every row and every column, each ending with its total, and the two lines
 * of totals, which sum to the grand total.
 */
function linesOf(result: TableResult, counts: number[][]): { shown: Cell; real: number }[][] {
  const truth = marginsOf(counts);
  const rows = counts.length;
  const cols = counts[0]!.length;
  const entry = (row: number, col: number) => {
    if (row < rows && col < cols)
      return { shown: result.cells[row]![col]!, real: counts[row]![col]! };
    if (row < rows) return { shown: result.rowTotals[row]!, real: truth.rowTotals[row]! };
    if (col < cols) return { shown: result.colTotals[col]!, real: truth.colTotals[col]! };
    return { shown: result.grandTotal, real: truth.grandTotal };
  };
  const range = (n: number) => [...Array(n).keys()];
  return [
    ...range(rows + 1).map((row) => range(cols + 1).map((col) => entry(row, col))),
    ...range(cols + 1).map((col) => range(rows + 1).map((row) => entry(row, col))),
  ];
}

/**
 * The hidden counts a reader could work out by subtracting: in a line where
 * exactly one entry is hidden, the rest give it away. Each one found is
 * checked against the real count, so the helper is known to be right.
 */
function recoverable(result: TableResult, counts: number[][]): number[] {
  const found: number[] = [];
  for (const line of linesOf(result, counts)) {
    const hidden = line.filter((entry) => entry.shown.suppressed !== false);
    if (hidden.length !== 1) continue;
    const known = line.map((entry) => entry.shown.value ?? 0);
    const total = known[known.length - 1]!;
    const cellsSum = known.slice(0, -1).reduce((a, b) => a + b, 0);
    const isTotal = line[line.length - 1]!.shown.suppressed !== false;
    const value = isTotal ? cellsSum : total - cellsSum;
    assert.equal(value, hidden[0]!.real, 'the subtraction recovers the real count');
    found.push(value);
  }
  return found;
}

/**
 * How many hidden entries follow exactly from all the line sums taken
 * together (not only one line at a time), by Gaussian elimination over the
 * hidden entries as unknowns. An entry is determined when it is a pivot whose
 * row in the reduced matrix has no free unknown.
 */
function determinedByAllLines(result: TableResult, counts: number[][]): number {
  const lines = linesOf(result, counts);
  const unknowns = new Map<Cell, number>();
  for (const line of lines) {
    for (const { shown } of line) {
      if (shown.suppressed !== false && !unknowns.has(shown)) unknowns.set(shown, unknowns.size);
    }
  }
  const matrix = lines.map((line) => {
    const row = Array<number>(unknowns.size).fill(0);
    line.forEach(({ shown }, index) => {
      const column = unknowns.get(shown);
      if (column !== undefined) row[column] = index === line.length - 1 ? -1 : 1;
    });
    return row;
  });
  const pivots = reduce(matrix, unknowns.size);
  return pivots.filter(({ row, column }) =>
    matrix[row]!.every((value, other) => other === column || Math.abs(value) < 1e-9),
  ).length;
}

/** Reduced row echelon form in place; returns each pivot's row and column. */
function reduce(matrix: number[][], width: number): { row: number; column: number }[] {
  const pivots: { row: number; column: number }[] = [];
  for (let column = 0; column < width && pivots.length < matrix.length; column++) {
    const top = pivots.length;
    const found = matrix.findIndex((row, index) => index >= top && Math.abs(row[column]!) > 1e-9);
    if (found === -1) continue;
    [matrix[top], matrix[found]] = [matrix[found]!, matrix[top]!];
    const pivot = matrix[top]!;
    const scale = pivot[column]!;
    for (let k = 0; k < width; k++) pivot[k]! /= scale;
    matrix.forEach((row, index) => {
      const factor = row[column]!;
      if (index === top || Math.abs(factor) < 1e-9) return;
      for (let k = 0; k < width; k++) row[k] = row[k]! - factor * pivot[k]!;
    });
    pivots.push({ row: top, column });
  }
  return pivots;
}

const shown = (value: number): Cell => ({ value, suppressed: false });
const primary: Cell = { value: null, suppressed: 'primary' };
const secondary: Cell = { value: null, suppressed: 'secondary' };

describe('suppressList', () => {
  it('hides nothing when every count reaches the threshold', () => {
    assert.deepEqual(suppressList([5, 12, 40], 5), {
      cells: [shown(5), shown(12), shown(40)],
      total: shown(57),
    });
  });

  it('hides a small count and the next smallest, so the total does not give it away', () => {
    assert.deepEqual(suppressList([3, 20, 8, 12], 5), {
      cells: [primary, shown(20), secondary, shown(12)],
      total: shown(43),
    });
  });

  it('needs no second count when two are already small', () => {
    assert.deepEqual(suppressList([3, 20, 4], 5).cells, [primary, shown(20), primary]);
  });

  it('shows zeros, and does not hide one to cover a small count while a real count is left', () => {
    assert.deepEqual(suppressList([0, 3, 9, 0], 5), {
      cells: [shown(0), primary, secondary, shown(0)],
      total: shown(12),
    });
  });

  it('hides zeros when asked to', () => {
    assert.deepEqual(suppressList([0, 30, 9], 5, { hideZeros: true }).cells, [
      primary,
      shown(30),
      secondary,
    ]);
  });

  it('hides everything when the total itself is small', () => {
    assert.deepEqual(suppressList([3, 0, 1], 5), {
      cells: [primary, secondary, primary],
      total: primary,
    });
  });

  it('uses 10 for published figures', () => {
    assert.deepEqual(suppressList([9, 15, 30], 10).cells, [primary, secondary, shown(30)]);
  });

  it('shows an all-zero list', () => {
    assert.deepEqual(suppressList([0, 0], 5), { cells: [shown(0), shown(0)], total: shown(0) });
  });

  it('rejects counts that are not whole numbers of people', () => {
    assert.throws(() => suppressList([1.5], 5), RangeError);
    assert.throws(() => suppressList([-1], 5), RangeError);
    assert.throws(() => suppressList([1], 0), RangeError);
  });
});

describe('suppressTable', () => {
  // One small count (3) that a naive display gives away twice over: row 0
  // is 25 − 10 − 12, and column 0 is 18 − 8 − 7.
  const builtForIt = [
    [3, 10, 12],
    [8, 9, 11],
    [7, 13, 20],
  ];

  it('catches the small count a naive display would give away', () => {
    const naive: TableResult = {
      cells: builtForIt.map((row) => row.map((n) => (n < 5 ? primary : shown(n)))),
      ...(({ rowTotals, colTotals, grandTotal }) => ({
        rowTotals: rowTotals.map(shown),
        colTotals: colTotals.map(shown),
        grandTotal: shown(grandTotal),
      }))(marginsOf(builtForIt)),
    };
    assert.deepEqual(recoverable(naive, builtForIt), [3, 3]);

    const result = suppressTable(builtForIt, 5);
    assert.deepEqual(result.cells[0]![0], primary);
    assert.deepEqual(recoverable(result, builtForIt), []);
    assert.equal(determinedByAllLines(result, builtForIt), 0);
    assert.deepEqual(result.grandTotal, shown(93));
    // The 3, the 10 beside it, and the 7 and 13 that close the rectangle: four cells, not six.
    assert.deepEqual(result.cells, [
      [primary, secondary, shown(12)],
      [shown(8), shown(9), shown(11)],
      [secondary, secondary, shown(20)],
    ]);
  });

  it('does not leave one hidden count linking two groups of hidden counts', () => {
    // Rows 0 and 2 with columns 0 and 3 hide a rectangle; rows 1 and 3 with
    // columns 1 and 2 hide another; the 3 at row 1, column 0 links them. Every
    // line then has two hidden counts, yet adding and subtracting lines gives
    // the 3 away (row 1 less columns 1 and 2 plus row 3), until one more
    // count joins the two groups.
    const counts = [
      [14, 33, 26, 7],
      [3, 5, 2, 39],
      [34, 0, 23, 4],
      [38, 12, 3, 0],
    ];
    const result = suppressTable(counts, 5);
    assert.deepEqual(result.cells[2]![2], secondary);
    assert.equal(determinedByAllLines(result, counts), 0);

    const withoutTheLink = structuredClone(result);
    withoutTheLink.cells[2]![2] = shown(23);
    assert.deepEqual(recoverable(withoutTheLink, counts), []);
    assert.equal(determinedByAllLines(withoutTheLink, counts), 1);
  });

  it('hides nothing when every count reaches the threshold, and shows zeros', () => {
    const counts = [
      [5, 0, 12],
      [0, 7, 30],
    ];
    const result = suppressTable(counts, 5);
    assert.deepEqual(result.cells, [
      [shown(5), shown(0), shown(12)],
      [shown(0), shown(7), shown(30)],
    ]);
    assert.deepEqual(result.rowTotals, [shown(17), shown(37)]);
    assert.deepEqual(result.colTotals, [shown(5), shown(7), shown(42)]);
    assert.deepEqual(result.grandTotal, shown(54));
  });

  it('hides a small total and its whole row, and protects them from the column sums', () => {
    const counts = [
      [2, 0, 1],
      [10, 12, 15],
      [9, 20, 11],
    ];
    const result = suppressTable(counts, 5);
    assert.deepEqual(result.rowTotals[0], primary);
    assert.deepEqual(result.cells[0], [primary, secondary, primary]);
    assert.deepEqual(recoverable(result, counts), []);
    assert.equal(determinedByAllLines(result, counts), 0);
  });

  it('hides everything when the grand total is small', () => {
    const result = suppressTable(
      [
        [1, 0],
        [2, 0],
      ],
      5,
    );
    assert.deepEqual(result.grandTotal, primary);
    for (const cell of [...result.cells.flat(), ...result.rowTotals, ...result.colTotals]) {
      assert.notEqual(cell.suppressed, false);
    }
  });

  it('leaves no hidden count to be worked out, over hundreds of random tables', () => {
    const random = mulberry32(20261123);
    let tables = 0;
    let smallCells = 0;
    for (const threshold of [5, 10]) {
      for (let i = 0; i < 300; i++) {
        const counts = randomTable(random);
        const result = suppressTable(counts, threshold);
        const where = `threshold ${threshold}, table ${JSON.stringify(counts)}`;
        assert.deepEqual(recoverable(result, counts), [], where);
        assert.equal(determinedByAllLines(result, counts), 0, where);
        result.cells.forEach((row, r) =>
          row.forEach((cell, c) => {
            const real = counts[r]![c]!;
            const small = real > 0 && real < threshold;
            if (small) smallCells += 1;
            assert.equal(cell.suppressed === 'primary', small, `${where} at ${r},${c}`);
            if (cell.suppressed === false) assert.equal(cell.value, real, where);
          }),
        );
        tables += 1;
      }
    }
    assert.equal(tables, 600);
    assert.ok(smallCells > 1000, 'the random tables really have small counts in them');
  });

  it('rejects a ragged or empty table', () => {
    assert.throws(() => suppressTable([], 5), RangeError);
    assert.throws(() => suppressTable([[1, 2], [3]], 5), RangeError);
  });
});

describe('describeCell', () => {
  it('reads a count, a small count, and a count hidden to protect one', () => {
    assert.equal(describeCell(shown(12), 5), '12');
    assert.equal(describeCell(shown(1234), 10), '1,234');
    assert.equal(describeCell(primary, 5), 'fewer than 5');
    assert.equal(describeCell(primary, 10), 'fewer than 10');
    assert.equal(describeCell(secondary, 5), 'hidden');
  });
});

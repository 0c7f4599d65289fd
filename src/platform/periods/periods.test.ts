import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { translator } from '../i18n/index.ts';
import {
  financialQuarter,
  financialQuarterOf,
  financialYear,
  financialYearOf,
  isInPeriod,
  isPeriodName,
  nextPeriod,
  parsePeriod,
  periodLabel,
  periodOf,
  periodsBetween,
  previousPeriod,
  currentPeriod,
  quartersOf,
  taxYear,
  taxYearOf,
} from './index.ts';

const span = (p: { from: string; to: string }) => [p.from, p.to];

describe('the financial year', () => {
  it('starts on 1 April and is named by the year it starts in', () => {
    assert.deepEqual(financialYearOf('2026-03-31'), {
      kind: 'financial-year',
      name: '2025',
      year: 2025,
      quarter: null,
      from: '2025-04-01',
      to: '2026-03-31',
    });
    assert.equal(financialYearOf('2026-04-01').name, '2026');
    assert.equal(financialYearOf('2026-12-31').name, '2026');
    assert.equal(financialYearOf('2027-01-01').name, '2026');
  });

  it('has four quarters, Q1 April to June … Q4 January to March', () => {
    assert.deepEqual(quartersOf(2025).map(span), [
      ['2025-04-01', '2025-06-30'],
      ['2025-07-01', '2025-09-30'],
      ['2025-10-01', '2025-12-31'],
      ['2026-01-01', '2026-03-31'],
    ]);
    assert.deepEqual(
      quartersOf(2025).map((q) => q.name),
      ['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'],
    );
  });

  it('finds the quarter of a day at each edge', () => {
    assert.equal(financialQuarterOf('2025-04-01').name, '2025-Q1');
    assert.equal(financialQuarterOf('2025-06-30').name, '2025-Q1');
    assert.equal(financialQuarterOf('2025-07-01').name, '2025-Q2');
    assert.equal(financialQuarterOf('2025-12-31').name, '2025-Q3');
    assert.equal(financialQuarterOf('2026-01-01').name, '2025-Q4');
    assert.equal(financialQuarterOf('2026-03-31').name, '2025-Q4');
    assert.equal(financialQuarterOf('2028-02-29').name, '2027-Q4');
  });
});

describe('the tax year', () => {
  it('runs from 6 April to 5 April', () => {
    assert.deepEqual(span(taxYearOf('2026-04-05')), ['2025-04-06', '2026-04-05']);
    assert.equal(taxYearOf('2026-04-05').name, '2025');
    assert.equal(taxYearOf('2026-04-06').name, '2026');
    assert.equal(taxYearOf('2027-01-15').year, 2026);
    assert.equal(taxYear(2026).kind, 'tax-year');
  });
});

describe('period names', () => {
  it('parses each kind and refuses the others', () => {
    assert.deepEqual(parsePeriod('financial-year', '2025'), financialYear(2025));
    assert.deepEqual(parsePeriod('tax-year', '2025'), taxYear(2025));
    assert.deepEqual(parsePeriod('quarter', '2025-Q3'), financialQuarter(2025, 3));
    for (const bad of ['2025-Q5', '2025-Q0', '2025-q3', '2025Q3', '25', '2025-26', '', 'abcd']) {
      assert.equal(parsePeriod('quarter', bad), null, bad);
    }
    for (const bad of ['2025-Q3', '25', '20255', '2025.0', '0999', ' ']) {
      assert.equal(parsePeriod('financial-year', bad), null, bad);
      assert.equal(isPeriodName('tax-year', bad), false, bad);
    }
    assert.equal(isPeriodName('financial-year', '2030'), true);
  });

  it('round-trips a name', () => {
    for (const kind of ['financial-year', 'quarter', 'tax-year'] as const) {
      const period = periodOf(kind, '2026-02-14');
      assert.deepEqual(parsePeriod(kind, period.name), period);
    }
  });
});

describe('previous, next and between', () => {
  it('steps across a year', () => {
    assert.equal(nextPeriod(financialQuarter(2025, 4)).name, '2026-Q1');
    assert.equal(previousPeriod(financialQuarter(2026, 1)).name, '2025-Q4');
    assert.equal(nextPeriod(financialYear(2025)).name, '2026');
    assert.equal(previousPeriod(taxYear(2025)).from, '2024-04-06');
  });

  it('lists every period with a day between two dates', () => {
    assert.deepEqual(
      periodsBetween('quarter', '2025-05-10', '2025-11-01').map((p) => p.name),
      ['2025-Q1', '2025-Q2', '2025-Q3'],
    );
    assert.deepEqual(
      periodsBetween('financial-year', '2024-03-31', '2026-04-01').map((p) => p.name),
      ['2023', '2024', '2025', '2026'],
    );
    assert.deepEqual(
      periodsBetween('tax-year', '2026-04-05', '2026-04-06').map((p) => p.name),
      ['2025', '2026'],
    );
    assert.deepEqual(periodsBetween('quarter', '2026-01-01', '2025-01-01'), []);
    assert.equal(isInPeriod(financialQuarter(2025, 4), '2026-03-31'), true);
    assert.equal(isInPeriod(financialQuarter(2025, 4), '2026-04-01'), false);
  });
});

describe('the current period', () => {
  it('is found from the date in England, not in UTC', () => {
    // British Summer Time began on 29 March 2026: 23:30 UTC on 31 March is 1 April in England.
    assert.equal(currentPeriod('financial-year', new Date('2026-03-31T23:30:00Z')).name, '2026');
    assert.equal(currentPeriod('tax-year', new Date('2026-04-05T22:59:00Z')).name, '2025');
    assert.equal(currentPeriod('tax-year', new Date('2026-04-05T23:00:00Z')).name, '2026');
    assert.equal(currentPeriod('quarter', new Date('2026-12-31T23:30:00Z')).name, '2026-Q3');
  });
});

describe('labels', () => {
  it('names each kind in English', () => {
    const tr = translator('en');
    assert.equal(periodLabel(financialYear(2025), tr), '2025 to 2026');
    assert.equal(periodLabel(taxYear(2025), tr), '6 April 2025 to 5 April 2026');
    assert.equal(
      periodLabel(financialQuarter(2025, 3), tr),
      'Quarter 3 2025 to 2026 (October to December 2025)',
    );
    assert.equal(
      periodLabel(financialQuarter(2025, 4), tr),
      'Quarter 4 2025 to 2026 (January to March 2026)',
    );
  });
});

describe('bad input', () => {
  it('rejects malformed and impossible dates and years', () => {
    for (const bad of ['2026-2-3', '03/09/2026', '2026-02-30', '2025-02-29', '2026-13-01', '']) {
      assert.throws(() => financialYearOf(bad), RangeError, bad);
      assert.throws(() => taxYearOf(bad), RangeError, bad);
      assert.throws(() => periodsBetween('quarter', '2026-01-01', bad), RangeError, bad);
    }
    assert.throws(() => financialQuarter(2025, 5), RangeError);
    assert.throws(() => financialYear(2025.5), RangeError);
    assert.equal(financialYearOf('2028-02-29').name, '2027');
  });
});

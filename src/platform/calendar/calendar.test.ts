import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Holidays from 'date-holidays';
import feed from './bank-holidays.json' with { type: 'json' };
import scotlandFeed from './bank-holidays-scotland.json' with { type: 'json' };
import northernIrelandFeed from './bank-holidays-northern-ireland.json' with { type: 'json' };
import {
  addCalendarMonths,
  addWorkingDays,
  bankHolidayYears,
  bankHolidaysOf,
  isNation,
  isBankHoliday,
  isWorkingDay,
  nextWorkingDay,
  rightsRequestDeadline,
  todayInLondon,
} from './index.ts';

/** What date-holidays says England's (or another nation's) weekday public holidays are in a year. */
function weekdayPublicHolidays(year: number, subdivision = 'ENG'): string[] {
  return new Holidays('GB', subdivision)
    .getHolidays(year)
    .filter((holiday) => holiday.type === 'public')
    .map((holiday) => holiday.date.slice(0, 10))
    .filter((date) => ![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay()));
}

describe('the vendored bank holidays', () => {
  it('is one gov.uk division with a source and a retrieval date', () => {
    assert.equal(feed.division, 'england-and-wales');
    assert.match(feed.source, /date-holidays 3\.37/);
    assert.match(feed.source, /CC-BY 3\.0/);
    assert.match(feed.retrievedAt, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(bankHolidayYears, { first: 2018, last: 2030 });
  });

  it('lists weekdays only, in order, each once', () => {
    const dates = feed.events.map((event) => event.date);
    assert.deepEqual(dates, [...new Set(dates)].sort());
    for (const date of dates) assert.ok(isWorkingDay(date) === false, `${date} is a working day`);
    for (const event of feed.events) {
      const weekday = new Date(`${event.date}T00:00:00Z`).getUTCDay();
      assert.ok(weekday >= 1 && weekday <= 5, `${event.date} falls on a weekend`);
    }
  });

  it('agrees with date-holidays for 2018 to 2030', () => {
    for (let year = 2018; year <= 2030; year++) {
      const vendored = feed.events.map((e) => e.date).filter((d) => d.startsWith(`${year}-`));
      assert.deepEqual(vendored, weekdayPublicHolidays(year), `bank holidays in ${year}`);
    }
  });

  it('has the special and substitute days gov.uk lists', () => {
    const special = [
      '2020-05-08', // VE day, moved from 4 May
      '2020-12-28', // Boxing Day substitute
      '2021-12-27',
      '2021-12-28',
      '2022-01-03',
      '2022-06-02', // Spring bank holiday, moved
      '2022-06-03', // Platinum Jubilee
      '2022-09-19', // State Funeral of Queen Elizabeth II
      '2022-12-27',
      '2023-01-02',
      '2023-05-08', // Coronation of King Charles III
      '2026-12-28', // Boxing Day substitute
      '2027-12-27',
      '2027-12-28',
      '2028-01-03',
    ];
    for (const date of special) assert.equal(isBankHoliday(date), true, date);
    for (const date of ['2020-05-04', '2022-05-30', '2026-12-26', '2027-12-25', '2026-12-24']) {
      assert.equal(isBankHoliday(date), false, date);
    }
  });
});

describe('working days', () => {
  it('counts Monday to Friday, less bank holidays', () => {
    assert.equal(isWorkingDay('2026-04-02'), true); // Thursday before Easter
    assert.equal(isWorkingDay('2026-04-03'), false); // Good Friday
    assert.equal(isWorkingDay('2026-04-04'), false); // Saturday
    assert.equal(isWorkingDay('2026-04-06'), false); // Easter Monday
    assert.equal(isWorkingDay('2026-04-07'), true);
  });

  it('finds the next working day, or keeps the date', () => {
    assert.equal(nextWorkingDay('2026-04-07'), '2026-04-07');
    assert.equal(nextWorkingDay('2026-04-03'), '2026-04-07');
    assert.equal(nextWorkingDay('2026-12-25'), '2026-12-29');
    assert.equal(nextWorkingDay('2027-12-24'), '2027-12-24');
    assert.equal(nextWorkingDay('2027-12-25'), '2027-12-29');
  });

  it('adds working days across Easter 2026', () => {
    assert.equal(addWorkingDays('2026-04-01', 1), '2026-04-02');
    assert.equal(addWorkingDays('2026-04-02', 1), '2026-04-07');
    assert.equal(addWorkingDays('2026-04-01', 5), '2026-04-10');
    assert.equal(addWorkingDays('2026-04-04', 1), '2026-04-07'); // from a Saturday
    assert.equal(addWorkingDays('2026-04-07', -1), '2026-04-02');
    assert.equal(addWorkingDays('2026-04-04', 0), '2026-04-04');
    assert.equal(addWorkingDays('2026-03-30', 10), '2026-04-15');
  });
});

describe('calendar months and rights requests', () => {
  it('adds months, ending on the last day of a short month', () => {
    assert.equal(addCalendarMonths('2026-09-03', 1), '2026-10-03');
    assert.equal(addCalendarMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addCalendarMonths('2028-01-31', 1), '2028-02-29');
    assert.equal(addCalendarMonths('2026-03-31', 1), '2026-04-30');
    assert.equal(addCalendarMonths('2026-11-30', 3), '2027-02-28');
    assert.equal(addCalendarMonths('2026-03-31', -1), '2026-02-28');
    assert.equal(addCalendarMonths('2026-12-15', 1), '2027-01-15');
    // No bank holiday is needed, so any year works.
    assert.equal(addCalendarMonths('2040-01-31', 1), '2040-02-29');
  });

  it('follows the ICO examples', () => {
    // Received 3 September: due 3 October (a Friday in 2025).
    assert.equal(rightsRequestDeadline('2025-09-03'), '2025-10-03');
    // 31 January: 28 February, a Saturday in 2026, so Monday 2 March.
    assert.equal(rightsRequestDeadline('2026-01-31'), '2026-03-02');
    assert.equal(rightsRequestDeadline('2028-01-31'), '2028-02-29');
  });

  it('moves a weekend or bank-holiday deadline to the next working day', () => {
    assert.equal(rightsRequestDeadline('2026-09-03'), '2026-10-05'); // Saturday → Monday
    // 25 Dec 2026 is a Friday; 26 is a Saturday and 28 its substitute day.
    assert.equal(rightsRequestDeadline('2026-11-25'), '2026-12-29');
    assert.equal(rightsRequestDeadline('2026-03-06'), '2026-04-07'); // Easter Monday → Tuesday
  });

  it('runs for up to three months once extended', () => {
    assert.equal(rightsRequestDeadline('2026-01-05', 3), '2026-04-07'); // 5 April is Sunday, 6 Easter Monday
    assert.throws(() => rightsRequestDeadline('2026-01-05', 4), RangeError);
    assert.throws(() => rightsRequestDeadline('2026-01-05', 0), RangeError);
  });
});

describe('bad input', () => {
  it('rejects malformed and impossible dates', () => {
    for (const bad of [
      '2026-2-3',
      '03/09/2026',
      '2026-02-30',
      '2026-13-01',
      '',
      '2026-04-07T00:00',
    ]) {
      assert.throws(() => isWorkingDay(bad), RangeError, bad);
      assert.throws(() => addCalendarMonths(bad, 1), RangeError, bad);
    }
  });

  it('refuses a bank-holiday answer outside the covered years, and says which they are', () => {
    assert.throws(() => isBankHoliday('2031-01-01'), /2018 to 2030/);
    assert.throws(() => isWorkingDay('2017-12-25'), RangeError);
    assert.throws(() => addWorkingDays('2030-12-28', 5), RangeError);
    assert.throws(() => rightsRequestDeadline('2030-12-01'), RangeError);
    assert.throws(() => addWorkingDays('2026-04-01', 1.5), RangeError);
  });
});

describe('today in London', () => {
  it('gives the date in England, not in UTC', () => {
    assert.equal(todayInLondon(new Date('2026-06-30T23:30:00Z')), '2026-07-01'); // BST
    assert.equal(todayInLondon(new Date('2026-12-31T23:30:00Z')), '2026-12-31'); // GMT
    assert.equal(todayInLondon(new Date('2026-03-29T00:30:00Z')), '2026-03-29'); // clocks go forward
    assert.equal(todayInLondon(new Date('2026-10-24T23:00:00Z')), '2026-10-25'); // still BST
  });
});

describe('bank holidays by nation', () => {
  it('vendors Scotland and Northern Ireland as gov.uk divisions, for the same years', () => {
    for (const [division, subdivision, list] of [
      ['scotland', 'SCT', scotlandFeed],
      ['northern-ireland', 'NIR', northernIrelandFeed],
    ] as const) {
      assert.equal(list.division, division);
      assert.match(list.source, /date-holidays 3\.37/);
      assert.match(list.source, /CC-BY 3\.0/);
      assert.match(list.retrievedAt, /^\d{4}-\d{2}-\d{2}$/);
      assert.deepEqual(bankHolidaysOf(division), list.events);
      const dates = list.events.map((event) => event.date);
      assert.deepEqual(dates, [...new Set(dates)].sort());
      assert.equal(dates[0]!.slice(0, 4), String(bankHolidayYears.first));
      assert.equal(dates.at(-1)!.slice(0, 4), String(bankHolidayYears.last));
      for (let year = 2018; year <= 2030; year++) {
        const vendored = dates.filter((d) => d.startsWith(`${year}-`));
        assert.deepEqual(vendored, weekdayPublicHolidays(year, subdivision), `${division} ${year}`);
      }
    }
  });

  it("has Scotland's own days and not England's Easter Monday or late August", () => {
    for (const date of ['2026-01-02', '2026-08-03', '2026-11-30', '2025-12-01', '2022-01-04']) {
      assert.equal(isBankHoliday(date, 'scotland'), true, date);
      assert.equal(isBankHoliday(date), false, `${date} in England and Wales`);
    }
    for (const date of ['2026-04-06', '2026-08-31']) {
      assert.equal(isBankHoliday(date, 'scotland'), false, date);
      assert.equal(isBankHoliday(date, 'england-and-wales'), true, date);
    }
  });

  it("has Northern Ireland's St Patrick's Day and 12 July, moved off a weekend", () => {
    for (const date of ['2026-03-17', '2024-03-18', '2027-07-12', '2026-07-13', '2025-07-14']) {
      assert.equal(isBankHoliday(date, 'northern-ireland'), true, date);
      assert.equal(isBankHoliday(date), false, `${date} in England and Wales`);
    }
    assert.equal(isBankHoliday('2026-04-06', 'northern-ireland'), true, 'Easter Monday');
  });

  it('counts working days by the nation it is given', () => {
    // Friday 2 January 2026 is a bank holiday in Scotland only.
    assert.equal(addWorkingDays('2025-12-31', 1, 'scotland'), '2026-01-05');
    assert.equal(addWorkingDays('2025-12-31', 1, 'england-and-wales'), '2026-01-02');
    assert.equal(nextWorkingDay('2027-07-12', 'northern-ireland'), '2027-07-13');
    assert.equal(isWorkingDay('2027-07-12', 'scotland'), true);
    assert.throws(() => isBankHoliday('2031-03-17', 'northern-ireland'), /2018 to 2030/);
  });

  it('checks a nation chosen in a form', () => {
    assert.equal(isNation('scotland'), true);
    assert.equal(isNation('wales'), false);
    assert.equal(isNation(undefined), false);
  });
});

describe('rights request deadlines by nation', () => {
  it("skips St Andrew's Day and 2 January for a Scottish organisation", () => {
    // 30 November 2026 is a Monday: St Andrew's Day in Scotland.
    assert.equal(rightsRequestDeadline('2026-10-30', 1, 'scotland'), '2026-12-01');
    assert.equal(rightsRequestDeadline('2026-10-30', 1, 'england-and-wales'), '2026-11-30');
    // 2 January 2026 is a Friday.
    assert.equal(rightsRequestDeadline('2025-12-02', 1, 'scotland'), '2026-01-05');
    assert.equal(rightsRequestDeadline('2025-12-02'), '2026-01-02');
    // Scotland has no Easter Monday holiday.
    assert.equal(rightsRequestDeadline('2026-03-06', 1, 'scotland'), '2026-04-06');
  });

  it("skips St Patrick's Day and 12 July for a Northern Irish organisation", () => {
    assert.equal(rightsRequestDeadline('2026-02-17', 1, 'northern-ireland'), '2026-03-18');
    assert.equal(rightsRequestDeadline('2026-02-17'), '2026-03-17');
    // Monday 12 July 2027; extended to three months from 12 April.
    assert.equal(rightsRequestDeadline('2027-06-12', 1, 'northern-ireland'), '2027-07-13');
    assert.equal(rightsRequestDeadline('2027-04-12', 3, 'northern-ireland'), '2027-07-13');
    assert.equal(rightsRequestDeadline('2027-06-12', 1, 'england-and-wales'), '2027-07-12');
  });

  it('leaves England and Wales as it was', () => {
    assert.equal(rightsRequestDeadline('2026-03-06', 1, 'england-and-wales'), '2026-04-07');
    assert.equal(rightsRequestDeadline('2026-11-25', 1, 'england-and-wales'), '2026-12-29');
  });
});

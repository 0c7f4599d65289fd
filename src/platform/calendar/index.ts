/**
 * Working-day and deadline arithmetic for the UK's three bank-holiday
 * divisions: England and Wales, Scotland, and Northern Ireland.
 *
 * Dates are ISO calendar dates (`YYYY-MM-DD`) with no time and no zone: a
 * deadline is a day on the calendar, not an instant, so everything here works
 * on UTC midnights where no clock change can move a day. Bank holidays come
 * from `bank-holidays.json` (England and Wales) and
 * `bank-holidays-<division>.json`, dated copies shaped like gov.uk's feed,
 * because project machines cannot fetch the feed; refreshing them is a manual
 * step (scripts/bank-holidays.ts). Every working-day function takes the
 * nation: an organisation's is `settings.nation` (`readSettings`), and
 * England and Wales when it has not chosen.
 */
import englandAndWales from './bank-holidays.json' with { type: 'json' };
import scotland from './bank-holidays-scotland.json' with { type: 'json' };
import northernIreland from './bank-holidays-northern-ireland.json' with { type: 'json' };

/** A calendar date written `YYYY-MM-DD`. */
export type IsoDate = string;

/** One event as gov.uk's bank-holidays feed writes it. */
export type BankHoliday = { title: string; date: IsoDate; notes: string; bunting: boolean };

/** The bank-holiday divisions, named as gov.uk's feed names them. */
export const NATIONS = ['england-and-wales', 'scotland', 'northern-ireland'] as const;
export type Nation = (typeof NATIONS)[number];

/** Whether a value (a form answer, a stored setting) is one of the nations. */
export function isNation(value: unknown): value is Nation {
  return (NATIONS as readonly unknown[]).includes(value);
}

const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const feeds: Record<Nation, { events: BankHoliday[] }> = {
  'england-and-wales': englandAndWales,
  scotland,
  'northern-ireland': northernIreland,
};

const holidayDates = Object.fromEntries(
  NATIONS.map((nation) => [nation, new Set(feeds[nation].events.map((event) => event.date))]),
) as Record<Nation, Set<IsoDate>>;

/** A nation's bank holidays, weekdays only, oldest first. */
export function bankHolidaysOf(nation: Nation): readonly BankHoliday[] {
  return feeds[nation].events;
}

/** England and Wales bank holidays, weekdays only, oldest first. */
export const bankHolidays: readonly BankHoliday[] = bankHolidaysOf('england-and-wales');

const yearsOf = NATIONS.flatMap((nation) =>
  feeds[nation].events.map((event) => Number(event.date.slice(0, 4))),
);

/**
 * The years every vendored list covers (the same for each nation): a
 * bank-holiday answer outside them would be a guess.
 */
export const bankHolidayYears = { first: Math.min(...yearsOf), last: Math.max(...yearsOf) };

/** Days since 1970-01-01 for a valid ISO date; a RangeError names the bad input. */
function toDayNumber(date: IsoDate): number {
  const match = ISO_DATE.exec(date);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    // setUTCFullYear, not Date.UTC, so that years 0–99 are not read as 1900–1999.
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day);
    // A day the month does not have (2026-02-30) rolls into the next month: reject it.
    if (utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day) return utc.getTime() / DAY_MS;
  }
  throw new RangeError(`Expected a date written YYYY-MM-DD, like 2026-03-27, not "${date}"`);
}

/** The ISO date of a day number, kept to four-digit years so it parses back. */
function fromDayNumber(dayNumber: number): IsoDate {
  const utc = new Date(dayNumber * DAY_MS);
  const year = utc.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`Date out of range: year ${year}`);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(utc.getUTCMonth() + 1, 2)}-${pad(utc.getUTCDate(), 2)}`;
}

/** Saturday or Sunday; 1970-01-01 was a Thursday. */
function isWeekend(dayNumber: number): boolean {
  const weekday = (((dayNumber + 4) % 7) + 7) % 7; // 0 = Sunday
  return weekday === 0 || weekday === 6;
}

/** Throws rather than answer "not a holiday" for a year the list does not cover. */
function assertCovered(date: IsoDate): void {
  const year = Number(date.slice(0, 4));
  if (year < bankHolidayYears.first || year > bankHolidayYears.last) {
    throw new RangeError(
      `Bank holidays are known for ${bankHolidayYears.first} to ${bankHolidayYears.last} only, not ${date}: refresh src/platform/calendar/bank-holidays*.json`,
    );
  }
}

function assertWholeNumber(n: number, name: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be a whole number, not ${n}`);
}

/**
 * True on a bank holiday in the nation (England and Wales unless given), as
 * observed: the substitute Monday, not the Sunday.
 */
export function isBankHoliday(date: IsoDate, nation: Nation = 'england-and-wales'): boolean {
  toDayNumber(date);
  assertCovered(date);
  return holidayDates[nation].has(date);
}

/**
 * Monday to Friday and not a bank holiday. A weekend needs no bank-holiday
 * answer, so it is false even outside the covered years.
 */
export function isWorkingDay(date: IsoDate, nation: Nation = 'england-and-wales'): boolean {
  if (isWeekend(toDayNumber(date))) return false;
  return !isBankHoliday(date, nation);
}

/** The date itself when it is a working day in the nation, else the first working day after it. */
export function nextWorkingDay(date: IsoDate, nation: Nation = 'england-and-wales'): IsoDate {
  let day = toDayNumber(date);
  while (!isWorkingDay(fromDayNumber(day), nation)) day += 1;
  return fromDayNumber(day);
}

/**
 * The date `n` working days after `date` (before it when `n` is negative),
 * counting only working days, so 5 working days from a Saturday ends on the
 * Friday after next Monday. `n = 0` returns `date` unchanged. Used for the
 * complaint clock (acknowledge in 5, respond in 10 or 20 working days).
 */
export function addWorkingDays(
  date: IsoDate,
  n: number,
  nation: Nation = 'england-and-wales',
): IsoDate {
  assertWholeNumber(n, 'Working days');
  const step = Math.sign(n);
  let day = toDayNumber(date);
  for (let left = Math.abs(n); left > 0;) {
    day += step;
    if (isWorkingDay(fromDayNumber(day), nation)) left -= 1;
  }
  return fromDayNumber(day);
}

/**
 * The same date `n` months later (earlier when negative); when that month is
 * too short (31 January + 1 month), its last day. This is how the ICO counts
 * "one calendar month" for subject access and erasure requests.
 */
export function addCalendarMonths(date: IsoDate, n: number): IsoDate {
  assertWholeNumber(n, 'Months');
  const start = new Date(toDayNumber(date) * DAY_MS);
  const monthIndex = start.getUTCFullYear() * 12 + start.getUTCMonth() + n;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12; // 0–11
  const target = new Date(0);
  target.setUTCFullYear(year, month + 1, 0); // day 0 of the next month is this month's last day
  target.setUTCDate(Math.min(start.getUTCDate(), target.getUTCDate()));
  return fromDayNumber(target.getTime() / DAY_MS);
}

/**
 * When a subject access or erasure request must be answered, by the ICO's
 * rule: the same date `months` later (1, or 3 once extended for a complex
 * request), counted from the day of receipt, or of receiving ID,
 * clarification or a fee; a deadline on a weekend or bank holiday moves to the
 * next working day in the organisation's nation.
 *
 * [R] The ICO says "the next working day" without saying whose bank
 * holidays: we read it as those of the nation the organisation works in.
 */
export function rightsRequestDeadline(
  receivedOn: IsoDate,
  months = 1,
  nation: Nation = 'england-and-wales',
): IsoDate {
  if (!Number.isInteger(months) || months < 1 || months > 3) {
    throw new RangeError(`A rights request runs for 1 to 3 months, not ${months}`);
  }
  return nextWorkingDay(addCalendarMonths(receivedOn, months), nation);
}

const londonDate = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * Today's date in England, whatever zone the server runs in: a request
 * received at 00:30 BST on 1 July was received on 1 July, though UTC still
 * says 30 June.
 */
export function todayInLondon(now: Date = new Date()): IsoDate {
  // England's offset from UTC is whole hours, so its date cannot change within
  // a UTC minute: the last answer holds for the rest of that minute.
  const minute = Math.floor(now.getTime() / 60_000);
  if (minute === lastMinute && lastDay !== null) return lastDay;
  const parts = Object.fromEntries(
    londonDate.formatToParts(now).map((part) => [part.type, part.value]),
  );
  lastMinute = minute;
  lastDay = `${parts.year}-${parts.month}-${parts.day}` as IsoDate;
  return lastDay;
}
let lastMinute = Number.NaN;
let lastDay: IsoDate | null = null;

/** Adds days to an ISO date. */
function addIsoDays(iso: string, n: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/**
 * The days the staff home counts from (manifest WorkDays): today, the last of
 * the next seven days, and the first and last of this month.
 */
export function workDays(today: string): {
  today: string;
  weekEnd: string;
  monthStart: string;
  monthEnd: string;
} {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return {
    today,
    weekEnd: addIsoDays(today, 6),
    monthStart: `${today.slice(0, 7)}-01`,
    monthEnd: new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10),
  };
}

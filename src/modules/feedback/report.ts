import { sql } from 'drizzle-orm';
import { rowsOf, type Queryable } from '../../platform/db/index.ts';
import { uuidArray } from '../../platform/db/types.ts';
import { previousPeriod, type ReportingPeriod } from '../../platform/periods/index.ts';
import { suppressTable, type Cell } from '../../platform/statistics/index.ts';
import { CHANNELS, type FeedbackChannel } from './items.ts';
import { listThemes, type Theme } from './themes.ts';

/** Counts below this are shown as "fewer than N" on staff pages (DESIGN.md). */
export const STAFF_THRESHOLD = 5;
/** … and in anything published. */
export const PUBLIC_THRESHOLD = 10;

export interface ThemeCount {
  themeId: string;
  channel: FeedbackChannel;
  count: number;
}

/**
 * How many items carry each theme, by channel, between two days: one
 * grouped query over the themes' own index, which holds each item's date
 * and channel (the benchmark's query). An item with two themes counts once
 * under each.
 */
export async function themeCounts(tx: Queryable, from: string, to: string): Promise<ThemeCount[]> {
  const rows = rowsOf<{ theme_id: string; channel: FeedbackChannel; n: number }>(
    await tx.execute(sql`
      select theme_id, channel, count(*)::int as n
      from feedback_item_themes
      where organisation_id = app_organisation_id()
        and received_on between ${from}::date and ${to}::date
      group by theme_id, channel`),
  );
  return rows.map((r) => ({ themeId: r.theme_id, channel: r.channel, count: Number(r.n) }));
}

/** The counts of a quarter and of the quarter before, in one pass over the index. */
async function twoQuarters(
  tx: Queryable,
  period: ReportingPeriod,
  previous: ReportingPeriod,
): Promise<{ now: ThemeCount[]; before: ThemeCount[] }> {
  const rows = rowsOf<{ theme_id: string; channel: FeedbackChannel; now: boolean; n: number }>(
    await tx.execute(sql`
      select theme_id, channel, received_on >= ${period.from}::date as now, count(*)::int as n
      from feedback_item_themes
      where organisation_id = app_organisation_id()
        and received_on between ${previous.from}::date and ${period.to}::date
      group by 1, 2, 3`),
  );
  const counts = (now: boolean) =>
    rows
      .filter((r) => r.now === now)
      .map((r) => ({ themeId: r.theme_id, channel: r.channel, count: Number(r.n) }));
  return { now: counts(true), before: counts(false) };
}

/** Items and how they felt, between two days (one query). */
export async function itemTotals(
  tx: Queryable,
  from: string,
  to: string,
): Promise<{
  items: number;
  positive: number;
  neutral: number;
  negative: number;
  unreviewed: number;
}> {
  const [row] = rowsOf<Record<string, number>>(
    await tx.execute(sql`
      select count(*)::int as items,
        count(*) filter (where sentiment = 'positive')::int as positive,
        count(*) filter (where sentiment = 'neutral')::int as neutral,
        count(*) filter (where sentiment = 'negative')::int as negative,
        count(*) filter (where themes_reviewed_at is null)::int as unreviewed
      from feedback_items where received_on between ${from}::date and ${to}::date`),
  );
  return {
    items: Number(row?.items ?? 0),
    positive: Number(row?.positive ?? 0),
    neutral: Number(row?.neutral ?? 0),
    negative: Number(row?.negative ?? 0),
    unreviewed: Number(row?.unreviewed ?? 0),
  };
}

export interface ThemeReportRow {
  theme: Theme;
  cells: Cell[];
  total: Cell;
  /** This quarter's count against the last (raw counts: the direction is shown, never a small count). */
  rising: boolean;
  change: 'up' | 'down' | 'same' | 'new';
}

export interface QuarterReport {
  period: ReportingPeriod;
  previous: ReportingPeriod;
  channels: FeedbackChannel[];
  rows: ThemeReportRow[];
  channelTotals: Cell[];
  grandTotal: Cell;
  totals: Awaited<ReturnType<typeof itemTotals>>;
  /** Themes rising most, biggest rise first. */
  rising: Array<{ theme: Theme; now: number; before: number }>;
  quotes: Array<{
    theme: Theme;
    quotes: Array<{ text: string; channel: FeedbackChannel; receivedOn: string }>;
  }>;
}

/**
 * The quarter's themes across channels: counts by theme and channel (with
 * small counts suppressed, so no hidden count can be worked out), which
 * themes are rising against the quarter before, and quotes from people who
 * agreed to being quoted. A fixed number of queries, whatever the items.
 */
export async function quarterReport(
  tx: Queryable,
  period: ReportingPeriod,
  threshold = STAFF_THRESHOLD,
): Promise<QuarterReport> {
  const previous = previousPeriod(period);
  const themes = await listThemes(tx, { includeRetired: true });
  const { now, before } = await twoQuarters(tx, period, previous);
  const totals = await itemTotals(tx, period.from, period.to);

  const used = new Set(now.map((c) => c.themeId));
  const shownThemes = themes.filter((t) => !t.retired || used.has(t.id));
  const channels = CHANNELS.filter((c) => now.some((n) => n.channel === c));
  const key = (t: string, c: string) => `${t} ${c}`;
  const counts = new Map(now.map((c) => [key(c.themeId, c.channel), c.count]));
  const sum = (list: ThemeCount[], themeId: string) =>
    list.filter((c) => c.themeId === themeId).reduce((s, c) => s + c.count, 0);

  let rows: ThemeReportRow[] = [];
  let channelTotals: Cell[] = [];
  let grandTotal: Cell = { value: 0, suppressed: false };
  if (shownThemes.length && channels.length) {
    const table = shownThemes.map((t) => channels.map((c) => counts.get(key(t.id, c)) ?? 0));
    const suppressed = suppressTable(table, threshold);
    rows = shownThemes.map((theme, r) => {
      const a = sum(now, theme.id);
      const b = sum(before, theme.id);
      return {
        theme,
        cells: suppressed.cells[r]!,
        total: suppressed.rowTotals[r]!,
        rising: a > b,
        change: b === 0 && a > 0 ? 'new' : a > b ? 'up' : a < b ? 'down' : 'same',
      };
    });
    channelTotals = suppressed.colTotals;
    grandTotal = suppressed.grandTotal;
  }
  const rising = shownThemes
    .map((theme) => ({ theme, now: sum(now, theme.id), before: sum(before, theme.id) }))
    .filter((r) => r.now > r.before && r.now >= threshold)
    .sort((a, b) => b.now - b.before - (a.now - a.before))
    .slice(0, 5);

  // For each theme, its newest three items in the quarter whose person agreed
  // to being quoted: read newest first from the theme's index, stopping at three.
  const quoteRows = shownThemes.length
    ? rowsOf<{ theme_id: string; text: string; channel: FeedbackChannel; received_on: string }>(
        await tx.execute(sql`
          select t.id as theme_id, q.text, q.channel, q.received_on::text as received_on
          from unnest(${uuidArray(shownThemes.map((t) => t.id))}) as t(id)
          cross join lateral (
            select i.text, i.channel, i.received_on
            from feedback_item_themes it
            join feedback_items i on i.organisation_id = it.organisation_id and i.id = it.item_id
            where it.organisation_id = app_organisation_id() and it.theme_id = t.id
              and it.received_on between ${period.from}::date and ${period.to}::date
              and i.may_quote and i.text <> ''
            order by it.received_on desc, it.item_id desc
            limit 3) q`),
      )
    : [];
  const quotes = shownThemes
    .map((theme) => ({
      theme,
      quotes: quoteRows
        .filter((q) => q.theme_id === theme.id)
        .map((q) => ({ text: q.text, channel: q.channel, receivedOn: q.received_on })),
    }))
    .filter((q) => q.quotes.length > 0);

  return { period, previous, channels, rows, channelTotals, grandTotal, totals, rising, quotes };
}

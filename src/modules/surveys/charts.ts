/**
 * Charts drawn on the server as SVG, so they need no script and print
 * sharp. Every chart sits beside a table of the same figures (the table is
 * what screen readers and the 320 px layout rely on); the SVG is an image
 * with a short text alternative.
 */
import { escapeHtml } from './definition.ts';

export interface Bar {
  label: string;
  /** 0 to 100; null draws no bar (a hidden count). */
  percent: number | null;
  /** What is written at the bar's end, e.g. "42%" or "fewer than 5". */
  note: string;
}

const BAR = 22;
const GAP = 30;
const WIDTH = 600;
// Presentation attributes, not a <style> element: the page's CSP allows no inline style without its nonce.
const FONT = 'font-family="Arial, sans-serif" font-size="16"';

/**
 * Horizontal bars, one per answer, each label above its bar so the chart
 * scales down to a phone's width without overlapping text.
 */
export function barChart(bars: Bar[], alt: string): string {
  const height = bars.length * (BAR + GAP) + 10;
  const parts = bars.map((bar, i) => {
    const y = i * (BAR + GAP) + 20;
    const w =
      bar.percent === null ? 0 : Math.max(0, Math.min(100, bar.percent)) * ((WIDTH - 160) / 100);
    return [
      `<text x="0" y="${y - 4}" ${FONT} fill="#0b0c0c">${escapeHtml(bar.label)}</text>`,
      `<rect x="0" y="${y}" width="${w.toFixed(1)}" height="${BAR}" fill="#1d70b8"></rect>`,
      `<text x="${(w + 8).toFixed(1)}" y="${y + BAR - 6}" ${FONT} font-weight="bold" fill="#0b0c0c">${escapeHtml(bar.note)}</text>`,
    ].join('');
  });
  return (
    `<svg class="app-chart" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" focusable="false" ` +
    `aria-label="${escapeHtml(alt)}" preserveAspectRatio="xMinYMin meet">` +
    parts.join('') +
    `</svg>`
  );
}

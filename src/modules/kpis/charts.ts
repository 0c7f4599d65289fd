/**
 * A KPI's trend line, drawn on the server as SVG (as surveys' charts are),
 * so it needs no script and prints sharp. It is an image with a text
 * alternative; the table of the same figures sits beside it on the page.
 */

export interface TrendPoint {
  /** Short, for the axis: "Q1 2019". */
  label: string;
  /** A percentage; null draws no point (no data). */
  value: number | null;
}

const WIDTH = 360;
const HEIGHT = 150;
const LEFT = 40;
const RIGHT = 10;
const TOP = 10;
const BOTTOM = 30;
const FONT = 'font-family="Arial, sans-serif" font-size="12"';

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * Percentages over time from 0 to 100, with the target as a dashed line.
 * Points with no data break the line: a gap, never a fall to 0.
 */
export function trendChart(
  points: readonly TrendPoint[],
  target: number | null,
  alt: string,
  targetLabel: string,
): string {
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const max = Math.max(100, ...points.map((p) => p.value ?? 0));
  const x = (i: number) =>
    LEFT + (points.length <= 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v: number) => TOP + plotH - (Math.max(0, v) / max) * plotH;
  const parts: string[] = [];
  for (const mark of [0, 50, 100]) {
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(mark).toFixed(1)}" y2="${y(mark).toFixed(1)}" stroke="#b1b4b6" stroke-width="1"></line>`,
      `<text x="${LEFT - 4}" y="${(y(mark) + 4).toFixed(1)}" text-anchor="end" ${FONT} fill="#505a5f">${mark}%</text>`,
    );
  }
  if (target !== null) {
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="6 4"></line>`,
      // Above the line, or below it when the line runs along the top.
      `<text x="${WIDTH - RIGHT}" y="${(target > 90 ? y(target) + 14 : y(target) - 4).toFixed(1)}" text-anchor="end" ${FONT} fill="#0b0c0c">${escapeXml(targetLabel)}</text>`,
    );
  }
  // Runs of consecutive points with data, each drawn as one line.
  let run: string[] = [];
  const flush = () => {
    if (run.length > 1)
      parts.push(
        `<polyline points="${run.join(' ')}" fill="none" stroke="#1d70b8" stroke-width="3"></polyline>`,
      );
    run = [];
  };
  points.forEach((p, i) => {
    if (p.value === null) return flush();
    run.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  flush();
  points.forEach((p, i) => {
    if (p.value !== null)
      parts.push(
        `<circle cx="${x(i).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="4" fill="#1d70b8"></circle>`,
      );
  });
  const first = points[0];
  const last = points.at(-1);
  if (first)
    parts.push(
      `<text x="${LEFT}" y="${HEIGHT - 8}" ${FONT} fill="#505a5f">${escapeXml(first.label)}</text>`,
    );
  if (last && points.length > 1)
    parts.push(
      `<text x="${WIDTH - RIGHT}" y="${HEIGHT - 8}" text-anchor="end" ${FONT} fill="#505a5f">${escapeXml(last.label)}</text>`,
    );
  return (
    `<svg class="app-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" focusable="false" ` +
    `aria-label="${escapeXml(alt)}" preserveAspectRatio="xMinYMin meet">` +
    parts.join('') +
    `</svg>`
  );
}

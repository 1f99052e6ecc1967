import { escapeXml, num, textWidth } from '../graph/svg-text.js';

/** A part of a bar: a named amount drawn in a colour. */
export interface Segment {
  readonly name: string;
  readonly value: number;
  readonly color: string;
}

/** A bar of a chart: its label and its segments, stacked left to right. */
export interface BarRow {
  readonly label: string;
  readonly segments: readonly Segment[];
}

/** What `barChart` draws. */
export interface BarChart {
  readonly title: string;
  readonly rows: readonly BarRow[];
  /** How a bar's total is written after it. */
  readonly format: (value: number) => string;
  /** A caption under the chart. */
  readonly note?: string;
}

const ROW = 24;
const BAR = 14;
const WIDTH = 560;

/** A horizontal bar chart as an inline SVG: one bar per row, stacked segments, a legend when it has several. */
export function barChart(chart: BarChart): string {
  const { title, rows, format } = chart;
  const names = [...new Map(rows.flatMap((r) => r.segments).map((s) => [s.name, s.color])).entries()];
  const legend = names.length > 1;
  const labelWidth = Math.min(220, Math.max(60, ...rows.map((r) => textWidth(r.label, 12) + 8)));
  const totals = rows.map((r) => r.segments.reduce((sum, s) => sum + s.value, 0));
  const valueWidth = Math.max(40, ...totals.map((t) => textWidth(format(t), 12) + 10));
  const span = WIDTH - labelWidth - valueWidth - 8;
  const max = Math.max(0, ...totals);
  const top = 28 + (legend ? 20 : 0);
  const height = top + Math.max(1, rows.length) * ROW + 8;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(title)}" class="bar-chart">`,
    `<text x="0" y="16" font-size="14" font-weight="700" fill="#111827">${escapeXml(title)}</text>`,
  ];
  if (legend) {
    let x = 0;
    for (const [name, color] of names) {
      out.push(
        `<rect x="${x}" y="26" width="10" height="10" rx="2" fill="${color}"/><text x="${x + 14}" y="35" font-size="11" fill="#4b5563">${escapeXml(name)}</text>`,
      );
      x += textWidth(name, 11) + 34;
    }
  }
  if (rows.length === 0) {
    out.push(`<text x="0" y="${top + 14}" font-size="12" fill="#6b7280">nothing to show</text>`);
  }
  rows.forEach((row, i) => {
    const y = top + i * ROW;
    out.push(
      `<g class="bar-row" data-label="${escapeXml(row.label)}"><title>${escapeXml(`${row.label}: ${row.segments.map((s) => `${s.name} ${format(s.value)}`).join(', ')}`)}</title>`,
      `<text x="${labelWidth - 8}" y="${y + BAR - 2}" font-size="12" text-anchor="end" fill="#111827">${escapeXml(row.label)}</text>`,
    );
    let x = labelWidth;
    for (const segment of row.segments) {
      const w = max === 0 ? 0 : (segment.value / max) * span;
      if (w > 0)
        out.push(
          `<rect x="${num(x)}" y="${y}" width="${num(Math.max(w, 1))}" height="${BAR}" rx="2" fill="${segment.color}"/>`,
        );
      x += w;
    }
    out.push(
      `<text x="${num(x + 6)}" y="${y + BAR - 2}" font-size="12" fill="#374151">${escapeXml(format(totals[i]!))}</text></g>`,
    );
  });
  out.push('</svg>');
  const note = chart.note ? `<p class="sub">${escapeXml(chart.note)}</p>` : '';
  return `<div class="chart">${out.join('')}${note}</div>`;
}

import { escapeHtml } from "./html-escape.ts";

/** One bar: its label (a bucket start) and the counts stacked in it. */
export interface BarPoint {
  readonly start: string;
  readonly counts: Readonly<Record<string, number>>;
}

/** A series name and how it is drawn: a colour and a pattern, so the chart reads without colour too. */
export interface SeriesStyle {
  readonly key: string;
  readonly fill: string;
}

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { top: 10, right: 10, bottom: 28, left: 44 } as const;

function niceMax(max: number): number {
  if (max <= 5) return Math.max(1, max);
  const magnitude = 10 ** Math.floor(Math.log10(max));
  return Math.ceil(max / magnitude) * magnitude;
}

/**
 * A stacked bar chart as inline SVG (no script, no network). Each bar has a `<title>` with its
 * numbers (hover, screen readers); the caller puts the same numbers in a table beside it.
 */
export function svgBarChart(id: string, label: string, points: readonly BarPoint[], series: readonly SeriesStyle[]): string {
  const totals = points.map((p) => series.reduce((sum, s) => sum + (p.counts[s.key] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = points.length > 0 ? plotW / points.length : plotW;
  const barW = Math.max(1, Math.min(40, slot * 0.8));
  const y = (v: number): number => PAD.top + plotH - (v / max) * plotH;
  const bars = points.map((p, i) => {
    let base = 0;
    const x = PAD.left + i * slot + (slot - barW) / 2;
    const rects = series.map((s) => {
      const v = p.counts[s.key] ?? 0;
      if (v === 0) return "";
      const top = y(base + v);
      const h = y(base) - top;
      base += v;
      return `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(h, 0.5).toFixed(1)}" fill="${s.fill}" stroke="#fff" stroke-width="0.5"/>`;
    });
    const text = series.map((s) => `${s.key} ${p.counts[s.key] ?? 0}`).filter((t) => !t.endsWith(" 0")).join(", ");
    return `<g class="bar"><title>${escapeHtml(`${p.start}: ${text || "none"}`)}</title>${rects.join("")}</g>`;
  });
  const every = Math.max(1, Math.ceil(points.length / 8));
  const ticks = points
    .map((p, i) => (i % every === 0 ? `<text x="${(PAD.left + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="middle">${escapeHtml(p.start.slice(5, 16).replace("T", " "))}</text>` : ""))
    .join("");
  const axis = [0, max / 2, max].map((v) => `<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Math.round(v)}</text><line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ccc"/>`).join("");
  return `<svg id="${escapeHtml(id)}" class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}" preserveAspectRatio="xMidYMid meet">${axis}${bars.join("")}${ticks}</svg>`;
}

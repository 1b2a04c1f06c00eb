import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { raw, type Raw } from './html.js';

/**
 * Charts as SVG, drawn on the server by Observable Plot into linkedom's document. Every chart has a
 * title and an aria-label, and the page puts its data table beside it. Colours are the NHS palette's
 * darker shades (each ≥ 4.5:1 on white) and the lines also differ by dash pattern, so colour is never
 * the only cue.
 */
export const SERIES_STYLE: Record<string, { color: string; dash: string }> = {
  practice: { color: '#005eb8', dash: '' },
  network: { color: '#330072', dash: '' },
  collaboration: { color: '#007f3b', dash: '6,3' },
  london: { color: '#7c2855', dash: '2,2' },
  england: { color: '#425563', dash: '8,3,2,3' },
  /** The neighbouring PCTs (SYNB-PCTA, SYNB-PCTB). */
  neighbourA: { color: '#003087', dash: '1,3' },
  neighbourB: { color: '#006747', dash: '10,2,2,2' },
  target: { color: '#d5281b', dash: '4,4' },
};

function plotDocument(): unknown {
  return parseHTML('<!doctype html><html><body></body></html>').document;
}

function svgOf(options: Record<string, unknown>): string {
  const node = Plot.plot({ ...options, document: plotDocument() } as never) as unknown as { outerHTML: string };
  return accessibleSvg(node.outerHTML);
}

export interface TrendLine {
  label: string;
  style: keyof typeof SERIES_STYLE;
  points: { date: Date; value: number | null }[];
}

export function toDate(periodEnd: string): Date {
  return new Date(`${periodEnd}T00:00:00Z`);
}

/** A trend chart: one line per series, a dashed target line, programme start marked. */
export function trendChart(o: { title: string; yLabel: string; lines: TrendLine[]; target: number | null; programmeStart: { date: Date; label: string } | null; width?: number; height?: number }): Raw {
  const data = o.lines.flatMap((l) => l.points.filter((p) => p.value !== null).map((p) => ({ date: p.date, value: p.value as number, series: l.label })));
  const domain = o.lines.map((l) => l.label);
  const range = o.lines.map((l) => SERIES_STYLE[l.style]!.color);
  const marks: unknown[] = [Plot.ruleY([0], { stroke: '#768692' })];
  if (o.target !== null) marks.push(Plot.ruleY([o.target], { stroke: SERIES_STYLE.target!.color, strokeDasharray: SERIES_STYLE.target!.dash, strokeWidth: 1.5 }));
  if (o.target !== null) marks.push(Plot.text([o.target], { y: (d: number) => d, frameAnchor: 'right', dy: -6, text: () => `Target ${o.target}`, fill: SERIES_STYLE.target!.color, fontSize: 11 }));
  if (o.programmeStart) {
    marks.push(Plot.ruleX([o.programmeStart.date], { stroke: '#212b32', strokeDasharray: '1,3' }));
    marks.push(Plot.text([o.programmeStart.date], { x: (d: Date) => d, frameAnchor: 'top', dy: 4, dx: 4, textAnchor: 'start', text: () => o.programmeStart!.label, fill: '#212b32', fontSize: 11 }));
  }
  for (const l of o.lines) {
    const s = SERIES_STYLE[l.style]!;
    marks.push(Plot.lineY(data.filter((d) => d.series === l.label), { x: 'date', y: 'value', stroke: s.color, strokeWidth: l.style === 'practice' || l.style === 'network' ? 2.5 : 1.5, strokeDasharray: s.dash }));
  }
  const svg = svgOf({
    width: o.width ?? 640,
    height: o.height ?? 280,
    marginLeft: 48,
    marginRight: 20,
    style: { fontSize: '12px', fontFamily: 'Arial, sans-serif', color: '#212b32', background: 'white' },
    ariaLabel: o.title,
    ariaDescription: `Line chart of ${domain.join(', ')} by month${o.target !== null ? `, with the target ${o.target}` : ''}${o.programmeStart ? ` and the programme start (${o.programmeStart.label})` : ''}. The data are in the table below the chart.`,
    x: { type: 'utc', label: null },
    y: { label: o.yLabel, grid: true, nice: true },
    color: { domain, range, legend: false },
    marks,
  });
  const legend = o.lines
    .map((l) => {
      const s = SERIES_STYLE[l.style]!;
      return `<li><svg width="28" height="10" aria-hidden="true" focusable="false"><line x1="0" y1="5" x2="28" y2="5" stroke="${s.color}" stroke-width="3" stroke-dasharray="${s.dash}"/></svg> ${escapeText(l.label)}</li>`;
    })
    .join('');
  const targetKey = o.target !== null ? `<li><svg width="28" height="10" aria-hidden="true" focusable="false"><line x1="0" y1="5" x2="28" y2="5" stroke="${SERIES_STYLE.target!.color}" stroke-width="2" stroke-dasharray="4,4"/></svg> Target</li>` : '';
  return raw(`<ul class="gp-legend">${legend}${targetKey}</ul>${svg}`);
}

/** A funnel plot: practices' values against their denominators, with 95% and 99.8% limits. */
export function funnelChart(o: {
  title: string;
  yLabel: string;
  points: { label: string; denominator: number; value: number; highlight: boolean }[];
  limits: { denominator: number; lower95: number; upper95: number; lower99_8: number; upper99_8: number }[];
  baseline: number;
}): Raw {
  const marks: unknown[] = [
    Plot.ruleY([o.baseline], { stroke: '#007f3b', strokeWidth: 1.5 }),
    Plot.line(o.limits, { x: 'denominator', y: 'lower95', stroke: '#425563', strokeDasharray: '6,3', clip: true }),
    Plot.line(o.limits, { x: 'denominator', y: 'upper95', stroke: '#425563', strokeDasharray: '6,3', clip: true }),
    Plot.line(o.limits, { x: 'denominator', y: 'lower99_8', stroke: '#212b32', strokeDasharray: '2,2', clip: true }),
    Plot.line(o.limits, { x: 'denominator', y: 'upper99_8', stroke: '#212b32', strokeDasharray: '2,2', clip: true }),
    Plot.dot(o.points, { x: 'denominator', y: 'value', r: 4.5, fill: (d: { highlight: boolean }) => (d.highlight ? '#005eb8' : 'white'), stroke: '#005eb8', strokeWidth: 1.5 }),
  ];
  const svg = svgOf({
    width: 640,
    height: 320,
    marginLeft: 48,
    style: { fontSize: '12px', fontFamily: 'Arial, sans-serif', color: '#212b32', background: 'white' },
    ariaLabel: o.title,
    ariaDescription: `Funnel plot: each circle is a practice (value against denominator). The solid line is the collaboration mean; dashed lines the 95% limits and dotted lines the 99.8% limits. The data are in the table below.`,
    x: { label: 'Denominator (patients)', grid: true, domain: [0, Math.max(1, ...o.points.map((p) => p.denominator)) * 1.05] },
    insetTop: 8,
    y: { label: o.yLabel, grid: true },
    marks,
  });
  return raw(
    `<ul class="gp-legend"><li><svg width="28" height="10" aria-hidden="true" focusable="false"><line x1="0" y1="5" x2="28" y2="5" stroke="#007f3b" stroke-width="3"/></svg> Collaboration mean</li><li><svg width="28" height="10" aria-hidden="true" focusable="false"><line x1="0" y1="5" x2="28" y2="5" stroke="#425563" stroke-width="2" stroke-dasharray="6,3"/></svg> 95% limits</li><li><svg width="28" height="10" aria-hidden="true" focusable="false"><line x1="0" y1="5" x2="28" y2="5" stroke="#212b32" stroke-width="2" stroke-dasharray="2,2"/></svg> 99.8% limits</li>${o.points.some((p) => p.highlight) ? '<li><svg width="12" height="12" aria-hidden="true" focusable="false"><circle cx="6" cy="6" r="4.5" fill="#005eb8"/></svg> Practices in the selected network</li>' : ''}<li><svg width="12" height="12" aria-hidden="true" focusable="false"><circle cx="6" cy="6" r="4.5" fill="white" stroke="#005eb8" stroke-width="1.5"/></svg> A practice</li></ul>${svg}`,
  );
}

/**
 * Plot labels its inner <g> groups with aria-label, which ARIA prohibits on elements without a role.
 * The chart is one image: the root <svg> gets role="img" and its label, the description moves into
 * <desc>, and the inner groups lose their labels.
 */
export function accessibleSvg(svg: string): string {
  let desc = '';
  let out = svg.replace(/<svg([^>]*?) aria-description="([^"]*)"/, (_m, attrs: string, d: string) => {
    desc = d;
    return `<svg${attrs}`;
  });
  out = out.replace(/(<g[^>]*?) aria-label="[^"]*"/g, '$1');
  out = out.replace(/<svg(?![^>]*\brole=)/, '<svg role="img"');
  if (desc) out = out.replace(/(<svg[^>]*>)/, `$1<desc>${desc}</desc>`);
  return out;
}

/** A small inline trend line for table cells; decorative (the value is in the cell as text). */
export function sparkline(values: (number | null)[], label: string): Raw {
  const pts = values.map((v, i) => ({ i, v })).filter((p): p is { i: number; v: number } => p.v !== null);
  if (pts.length < 2) return raw('');
  const w = 120;
  const hgt = 28;
  const min = Math.min(...pts.map((p) => p.v));
  const max = Math.max(...pts.map((p) => p.v));
  const span = max - min || 1;
  const n = Math.max(1, values.length - 1);
  const d = pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${((p.i / n) * (w - 4) + 2).toFixed(1)},${(hgt - 2 - ((p.v - min) / span) * (hgt - 4)).toFixed(1)}`).join('');
  return raw(`<svg class="gp-sparkline" width="${w}" height="${hgt}" viewBox="0 0 ${w} ${hgt}" role="img" aria-label="${escapeText(label)}"><path d="${d}" fill="none" stroke="#005eb8" stroke-width="1.5"/></svg>`);
}

function escapeText(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
}

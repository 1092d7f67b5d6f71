// Charts as inline SVG, drawn here from the data: no charting library, no script, nothing
// fetched, so the page prints and screenshots exactly as it shows. Every data mark has class
// "mark" (and data-series), so a test can count what was drawn.
import { html, num, text, trusted, type Html } from './html';

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

const FRAME: Frame = { width: 760, height: 280, left: 56, right: 64, top: 28, bottom: 46 };

/** About `count` round tick values from 0 to at least `max`. */
export function niceTicks(max: number, count = 5): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = top / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  // Up to the first tick at or above the data's maximum: the scale must hold every point.
  for (let v = 0; out.length < 2 || (out[out.length - 1] as number) < top - step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
    if (out.length > 50) break;
  }
  return out;
}

const f = (n: number) => Number(n.toFixed(1));

function scale(domainMax: number, from: number, to: number): (v: number) => number {
  const d = domainMax > 0 ? domainMax : 1;
  return (v) => f(from + ((to - from) * v) / d);
}

function openSvg(id: string, title: string, frame: Frame): string {
  return `<figure class="chart"><figcaption>${text(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${text(id)}" viewBox="0 0 ${frame.width} ${frame.height}" width="${frame.width}" height="${frame.height}" role="img" aria-label="${text(title)}"><title>${text(title)}</title>`;
}

function yAxis(ticks: number[], y: (v: number) => number, x: number, side: 'left' | 'right', label: string, frame: Frame, fmt: (v: number) => string): string {
  const parts: string[] = [];
  const anchor = side === 'left' ? 'end' : 'start';
  const dx = side === 'left' ? -6 : 6;
  for (const t of ticks) {
    const yy = y(t);
    if (side === 'left') parts.push(`<line class="grid" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${yy}" y2="${yy}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${x + dx}" y="${f(yy + 4)}" text-anchor="${anchor}" font-size="11" fill="#444">${text(fmt(t))}</text>`);
  }
  const lx = side === 'left' ? 14 : frame.width - 12;
  const ly = f((frame.top + frame.height - frame.bottom) / 2);
  parts.push(`<text x="${lx}" y="${ly}" transform="rotate(-90 ${lx} ${ly})" text-anchor="middle" font-size="11" fill="#444">${text(label)}</text>`);
  return parts.join('');
}

function xAxis(ticks: Array<{ at: number; label: string }>, frame: Frame, label: string): string {
  const base = frame.height - frame.bottom;
  const parts = [`<line x1="${frame.left}" x2="${frame.width - frame.right}" y1="${base}" y2="${base}" stroke="#888"/>`];
  for (const t of ticks) parts.push(`<line x1="${t.at}" x2="${t.at}" y1="${base}" y2="${base + 4}" stroke="#888"/><text x="${t.at}" y="${base + 16}" text-anchor="middle" font-size="11" fill="#444">${text(t.label)}</text>`);
  parts.push(`<text x="${f((frame.left + frame.width - frame.right) / 2)}" y="${frame.height - 8}" text-anchor="middle" font-size="11" fill="#444">${text(label)}</text>`);
  return parts.join('');
}

function legend(items: Array<{ name: string; color: string; dash?: boolean }>, frame: Frame): string {
  let x = frame.left;
  return items
    .map((it) => {
      const sw = it.dash ? `<line x1="${x}" x2="${x + 14}" y1="12" y2="12" stroke="${text(it.color)}" stroke-width="2" stroke-dasharray="4 3"/>` : `<rect x="${x}" y="6" width="12" height="12" fill="${text(it.color)}"/>`;
      const out = `${sw}<text x="${x + 18}" y="16" font-size="11" fill="#222">${text(it.name)}</text>`;
      x += 30 + it.name.length * 6.2;
      return out;
    })
    .join('');
}

export interface BarStack {
  key: string;
  name: string;
  color: string;
}

export interface RefLine {
  y: number;
  label: string;
  color?: string;
}

export interface BarChartSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  stacks: BarStack[];
  /** One bar per point: start (ms from the phase start) and a value per stack key. */
  bars: Array<{ startMs: number; widthMs: number; values: Record<string, number> }>;
  /** The x axis runs from 0 to this (ms); default the end of the last bar. */
  domainMs?: number;
  lines?: RefLine[];
}

/** Stacked bars over time (seconds on the x axis), with horizontal reference lines. */
export function barChart(spec: BarChartSpec, frame: Frame = FRAME): Html {
  const end = spec.domainMs ?? Math.max(1, ...spec.bars.map((b) => b.startMs + b.widthMs));
  const totals = spec.bars.map((b) => spec.stacks.reduce((n, s) => n + (b.values[s.key] ?? 0), 0));
  const yMax = Math.max(1, ...totals, ...(spec.lines ?? []).map((l) => l.y * 1.1));
  const ticks = niceTicks(yMax);
  const top = ticks[ticks.length - 1] as number;
  const y = scale(top, frame.height - frame.bottom, frame.top);
  const x = scale(end, frame.left, frame.width - frame.right);
  const parts = [openSvg(spec.id, spec.title, frame), yAxis(ticks, y, frame.left, 'left', spec.yLabel, frame, (v) => num(v, 1))];
  for (const b of spec.bars) {
    let acc = 0;
    const x0 = x(b.startMs);
    const w = Math.max(1, f(x(b.startMs + b.widthMs) - x0 - 1.5));
    for (const s of spec.stacks) {
      const v = b.values[s.key] ?? 0;
      if (v <= 0) continue;
      const y1 = y(acc + v);
      const h = Math.max(0.5, f(y(acc) - y1));
      parts.push(`<rect class="mark" data-series="${text(s.key)}" x="${x0}" y="${y1}" width="${w}" height="${h}" fill="${text(s.color)}"><title>${text(`${num(b.startMs / 1000, 2)} s: ${num(v, 2)} ${s.name}`)}</title></rect>`);
      acc += v;
    }
  }
  for (const l of spec.lines ?? []) {
    const yy = y(l.y);
    parts.push(`<line class="ref" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${yy}" y2="${yy}" stroke="${text(l.color ?? '#222')}" stroke-width="1.5" stroke-dasharray="6 4"/><text x="${frame.width - frame.right - 4}" y="${f(yy - 4)}" text-anchor="end" font-size="11" fill="${text(l.color ?? '#222')}">${text(l.label)}</text>`);
  }
  const xt = niceTicks(end / 1000, 8).filter((s) => s * 1000 <= end + 1e-6).map((s) => ({ at: x(s * 1000), label: num(s, 1) }));
  parts.push(xAxis(xt, frame, spec.xLabel));
  parts.push(legend([...spec.stacks.map((s) => ({ name: s.name, color: s.color })), ...(spec.lines ?? []).map((l) => ({ name: l.label, color: l.color ?? '#222', dash: true }))], frame));
  parts.push('</svg></figure>');
  return trusted(parts.join(''));
}

export interface LineSeries {
  key: string;
  name: string;
  color: string;
  axis: 'left' | 'right';
  points: Array<{ x: number; y: number; note?: string; hollow?: boolean }>;
}

export interface LineChartSpec {
  id: string;
  title: string;
  xLabel: string;
  leftLabel: string;
  rightLabel?: string;
  series: LineSeries[];
  /** Vertical markers (e.g. the knee) at x values. */
  markers?: Array<{ x: number; label: string; color?: string }>;
  /** Horizontal reference lines on an axis (e.g. the SLO). */
  lines?: Array<RefLine & { axis: 'left' | 'right' }>;
  rightFormat?: (v: number) => string;
}

/** Lines with points against a numeric x (offered load), two y axes. */
export function lineChart(spec: LineChartSpec, frame: Frame = FRAME): Html {
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x));
  const xMax = Math.max(1, ...xs, ...(spec.markers ?? []).map((m) => m.x)) * 1.05;
  const maxOf = (axis: 'left' | 'right') =>
    Math.max(0, ...spec.series.filter((s) => s.axis === axis).flatMap((s) => s.points.map((p) => p.y)), ...(spec.lines ?? []).filter((l) => l.axis === axis).map((l) => l.y * 1.1));
  const lt = niceTicks(maxOf('left') || 1);
  const rt = niceTicks(maxOf('right') || 0.01);
  const yl = scale(lt[lt.length - 1] as number, frame.height - frame.bottom, frame.top);
  const yr = scale(rt[rt.length - 1] as number, frame.height - frame.bottom, frame.top);
  const x = scale(xMax, frame.left, frame.width - frame.right);
  const parts = [openSvg(spec.id, spec.title, frame), yAxis(lt, yl, frame.left, 'left', spec.leftLabel, frame, (v) => num(v, 1))];
  const hasRight = spec.series.some((s) => s.axis === 'right');
  if (hasRight) parts.push(yAxis(rt, yr, frame.width - frame.right, 'right', spec.rightLabel ?? '', frame, spec.rightFormat ?? ((v) => num(v, 2))));
  for (const l of spec.lines ?? []) {
    const yy = (l.axis === 'left' ? yl : yr)(l.y);
    parts.push(`<line class="ref" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${yy}" y2="${yy}" stroke="${text(l.color ?? '#222')}" stroke-dasharray="6 4"/>`);
  }
  for (const m of spec.markers ?? []) {
    const xx = x(m.x);
    // Past the middle the label reads leftwards from the line, so it never runs off the chart.
    const left = xx > (frame.left + frame.width - frame.right) / 2;
    parts.push(`<line class="marker" data-marker="${text(m.label)}" x1="${xx}" x2="${xx}" y1="${frame.top}" y2="${frame.height - frame.bottom}" stroke="${text(m.color ?? '#7b2cbf')}" stroke-width="2"/><text x="${f(left ? xx - 4 : xx + 4)}" y="${frame.top + 12}" font-size="11"${left ? ' text-anchor="end"' : ''} fill="${text(m.color ?? '#7b2cbf')}">${text(m.label)}</text>`);
  }
  for (const s of spec.series) {
    const y = s.axis === 'left' ? yl : yr;
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${text(s.color)}" stroke-width="2" points="${pts.map((p) => `${x(p.x)},${y(p.y)}`).join(' ')}"/>`);
    for (const p of pts)
      parts.push(`<circle class="mark" data-series="${text(s.key)}" cx="${x(p.x)}" cy="${y(p.y)}" r="4" fill="${p.hollow ? '#fff' : s.color}" stroke="${text(s.color)}" stroke-width="2"><title>${text(`${s.name} at ${num(p.x, 1)}: ${num(p.y, 3)}${p.note ? ` (${p.note})` : ''}`)}</title></circle>`);
  }
  const xt = niceTicks(xMax, 8).filter((v) => v <= xMax).map((v) => ({ at: x(v), label: num(v, 1) }));
  parts.push(xAxis(xt, frame, spec.xLabel));
  parts.push(legend([...spec.series.map((s) => ({ name: s.name, color: s.color })), ...(spec.lines ?? []).map((l) => ({ name: l.label, color: l.color ?? '#222', dash: true }))], frame));
  parts.push('</svg></figure>');
  return trusted(parts.join(''));
}

export interface HBarSpec {
  id: string;
  title: string;
  xLabel: string;
  bars: Array<{ key: string; label: string; value: number; color: string }>;
  lines?: RefLine[];
}

/** Horizontal bars of one quantity (e.g. how much Retry-After overstates the wait, ms). */
export function hbarChart(spec: HBarSpec): Html {
  const frame: Frame = { width: 760, height: 60 + 30 * spec.bars.length, left: 150, right: 90, top: 28, bottom: 40 };
  const max = Math.max(1, ...spec.bars.map((b) => Math.abs(b.value)), ...(spec.lines ?? []).map((l) => l.y * 1.05));
  const ticks = niceTicks(max);
  const x = scale(ticks[ticks.length - 1] as number, frame.left, frame.width - frame.right);
  const parts = [openSvg(spec.id, spec.title, frame)];
  spec.bars.forEach((b, i) => {
    const yy = frame.top + 8 + i * 30;
    const w = Math.max(1, f(x(Math.max(0, b.value)) - frame.left));
    parts.push(`<text x="${frame.left - 6}" y="${yy + 14}" text-anchor="end" font-size="11" fill="#222">${text(b.label)}</text>`);
    parts.push(`<rect class="mark" data-series="${text(b.key)}" x="${frame.left}" y="${yy}" width="${w}" height="20" fill="${text(b.color)}"><title>${text(`${b.label}: ${num(b.value, 1)}`)}</title></rect>`);
    parts.push(`<text x="${f(frame.left + w + 4)}" y="${yy + 14}" font-size="11" fill="#222">${text(num(b.value, 0))}</text>`);
  });
  for (const l of spec.lines ?? []) {
    const xx = x(l.y);
    parts.push(`<line class="ref" x1="${xx}" x2="${xx}" y1="${frame.top}" y2="${frame.height - frame.bottom}" stroke="${text(l.color ?? '#222')}" stroke-dasharray="6 4"/><text x="${xx}" y="${frame.top - 4}" text-anchor="middle" font-size="11" fill="${text(l.color ?? '#222')}">${text(l.label)}</text>`);
  }
  parts.push(xAxis(ticks.map((t) => ({ at: x(t), label: num(t, 0) })), frame, spec.xLabel));
  parts.push('</svg></figure>');
  return html`${trusted(parts.join(''))}`;
}

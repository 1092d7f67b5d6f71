// The rate-limit section: the limit measured against the stated one, accepted vs throttled per
// window over the judged phase (per key), and Retry-After: honoured, and how tight it is.
import { html, num, trusted, type Html } from './html';
import { isRec, metric, numOr, seriesOf, type Part, type ScenarioSummary, type Series } from './inputs';
import { dataTable, notRun, notes, runLine, section, thresholdTable, verdictOf } from './parts';
import { barChart, hbarChart } from './svg';

export const ACCEPTED = { key: 'accepted', name: 'accepted', color: '#2a9d8f' };
export const REJECTED = { key: 'rejected', name: 'throttled (429)', color: '#e76f51' };

/** Accepted and throttled per point (per key when `perKey`), stacked, with the stated limit line. */
export function windowChart(id: string, title: string, s: Series, opts: { limit?: number | null; limitLabel?: string; perKey?: boolean; offsetMs?: number; domainMs?: number }): Html {
  const div = opts.perKey ? s.keys : 1;
  const perWindow = s.bucketMs / s.windowMs;
  const lines = opts.limit ? [{ y: opts.limit * perWindow, label: `${opts.limitLabel ?? 'stated limit'}${perWindow > 1 ? ` × ${perWindow}` : ''}`, color: '#264653' }] : [];
  return barChart({
    id,
    title,
    xLabel: 'seconds from the start of the phase',
    yLabel: `requests per ${num(s.bucketMs, 0)} ms${opts.perKey && s.keys > 1 ? ', mean per key' : ''}`,
    stacks: [ACCEPTED, REJECTED],
    bars: s.points.map((p) => ({ startMs: p.startMs + (opts.offsetMs ?? 0), widthMs: s.bucketMs, values: { accepted: p.accepted / div, rejected: p.rejected / div } })),
    ...(opts.domainMs !== undefined ? { domainMs: opts.domainMs } : {}),
    lines,
  });
}

function seriesTable(s: Series, div: number): Html {
  return dataTable(
    'per-window numbers',
    ['from ms', 'accepted', 'throttled'],
    s.points.map((p) => [p.startMs, num(p.accepted / div, 2), num(p.rejected / div, 2)]),
  );
}

function rateLimitBody(p: Extract<Part<ScenarioSummary>, { ok: true }>): Html {
  const s = p.data;
  const d = s.details;
  const limit = numOr(d.limit);
  const windowMs = numOr(d.windowMs);
  const estimate = numOr(d.estimate) ?? metric(s, 'ratelimit_estimate', 'value');
  const tolerance = numOr(d.tolerance);
  const stated = limit !== undefined ? `${limit} per ${windowMs ?? '?'} ms` : 'none stated (discovered)';
  const ratio = limit && estimate !== undefined ? ` = ${num(estimate / limit, 2)}× the stated limit` : '';
  const band = limit && tolerance !== undefined ? ` (allowed ${num(limit * (1 - tolerance), 1)}..${num(limit * (1 + tolerance), 1)} in steady state, within ${num(tolerance * 100, 0)} %)` : '';
  const series = seriesOf(s, d.windows, 'ratelimit_series');
  const chart = series && series.points.length > 0
    ? html`${windowChart('ratelimit-windows', `Accepted vs throttled per window (${d.mode === 'known' ? 'over-limit phase' : 'discovery phase'})`, series, { limit: limit ?? estimate ?? null, limitLabel: limit ? 'stated limit' : 'discovered limit', perKey: true })}${seriesTable(series, series.keys)}
<p class="caption">${series.keys} key(s); each bar is ${num(series.bucketMs, 0)} ms from the key's first request; the first window is a partial or burst window and is not part of the steady-state estimate.</p>`
    : html`<p class="not-run">No per-window series in this summary (written by an older harness, or the phase did not run here).</p>`;
  return html`${runLine(p)}
<table class="facts"><tbody>
<tr><th>stated limit</th><td>${stated}</td></tr>
<tr><th>measured limit</th><td>${estimate !== undefined ? html`${num(estimate, 2)} accepted per window in steady state${ratio}${band}` : 'no estimate'}</td></tr>
${numOr(d.overload) !== undefined && d.mode === 'known' ? html`<tr><th>offered</th><td>${num(numOr(d.overload), 1)}× the limit</td></tr>` : ''}
</tbody></table>
${chart}${thresholdTable(s)}${notes(s)}`;
}

function retryAfterBody(p: Extract<Part<ScenarioSummary>, { ok: true }>): Html {
  const s = p.data;
  const d = s.details;
  const h = isRec(d.honoured) ? d.honoured : null;
  const passes = numOr(h?.passes, 0)!;
  const fails = numOr(h?.fails, 0)!;
  const rate = numOr(h?.rate);
  const t = isRec(d.tightnessMs) ? d.tightnessMs : null;
  const raMed = metric(s, 'retry_after_seconds', 'med');
  const bars = t
    ? [
        { key: 'slack-p50', label: 'p50', value: numOr(t.p50, 0)!, color: '#457b9d' },
        { key: 'slack-p95', label: 'p95', value: numOr(t.p95, 0)!, color: '#1d3557' },
        { key: 'slack-max', label: 'max', value: numOr(t.max, 0)!, color: '#6c757d' },
      ]
    : [];
  const chart = t
    ? html`${hbarChart({ id: 'retry-after-tightness', title: 'How much longer Retry-After says to wait than needed', xLabel: 'ms by which Retry-After exceeds the earliest successful retry', bars, lines: raMed !== undefined ? [{ y: raMed * 1000, label: `Retry-After p50 ${num(raMed, 1)} s` }] : [] })}<p class="caption">Over ${numOr(t.count, 0)} episode(s); 0 ms would be exact. Informational (ratelimit.retry-after-tight): a loose Retry-After wastes clients' time but breaks no rule.</p>`
    : html`<p class="not-run">Tightness not measured in this run.</p>`;
  return html`${runLine(p)}
<table class="facts"><tbody>
<tr><th>Retry-After honoured</th><td>${passes + fails > 0 ? html`${passes} of ${passes + fails} retries after waiting Retry-After succeeded${rate !== undefined ? ` (${num(rate * 100, 1)} %)` : ''}` : 'no episode judged'}</td></tr>
<tr><th>announced wait</th><td>${raMed !== undefined ? `p50 ${num(raMed, 2)} s, max ${num(metric(s, 'retry_after_seconds', 'max'), 2)} s` : '–'}</td></tr>
</tbody></table>
${chart}${thresholdTable(s)}${notes(s)}`;
}

export function rateLimitSection(rl: Part<ScenarioSummary>, ra: Part<ScenarioSummary>): Html {
  const parts: Html[] = [];
  parts.push(rl.ok ? html`<h3>Limit per key</h3>${rateLimitBody(rl)}` : html`<h3>Limit per key</h3><p class="not-run">Not run: ${rl.reason}</p>`);
  parts.push(ra.ok ? html`<h3>Retry-After</h3>${retryAfterBody(ra)}` : html`<h3>Retry-After</h3><p class="not-run">Not run: ${ra.reason}</p>`);
  if (!rl.ok && !ra.ok) return notRun('rate-limit', 'Rate limiting', `${rl.reason}`);
  const verdict = (rl.ok && !rl.data.pass) || (ra.ok && !ra.data.pass) ? 'fail' : rl.ok && ra.ok ? 'pass' : rl.ok ? verdictOf(rl.data) : verdictOf((ra as Extract<typeof ra, { ok: true }>).data);
  return section('rate-limit', 'Rate limiting', verdict, trusted(parts.join('')));
}

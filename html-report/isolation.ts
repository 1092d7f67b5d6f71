// The key-isolation section: key A throttled while the bystander keys (same org, other org)
// sail through, on one time axis; the spread key limited as one; the scenario's thresholds.
import { html, num, type Html } from './html';
import { arrOf, isRec, numOr, seriesOf, strOr, type Part, type ScenarioSummary } from './inputs';
import { badge, notRun, notes, runLine, section, thresholdTable, verdictOf } from './parts';
import { windowChart } from './rate-limit';

export function isolationSection(p: Part<ScenarioSummary>): Html {
  if (!p.ok) return notRun('key-isolation', 'Key isolation', p.reason);
  const s = p.data;
  const d = s.details;
  const limit = numOr(d.limit);
  const series = isRec(d.series) ? d.series : {};
  const a = seriesOf(s, series.throttled, 'isolation_throttled_series');
  const b = seriesOf(s, series.bystanders, 'isolation_bystander_series');
  const offset = numOr(d.bystanderStartMs, 0)!;
  const end = Math.max(a ? a.points.length * a.bucketMs : 0, b ? offset + b.points.length * b.bucketMs : 0);
  const throttledRole = strOr(d.throttled, 'A')!;
  const bystanders = arrOf(d.bystanders).filter((x): x is string => typeof x === 'string');
  const rows: Html[] = [];
  if (a) {
    const rej = a.points.reduce((n, x) => n + x.rejected, 0);
    const acc = a.points.reduce((n, x) => n + x.accepted, 0);
    rows.push(html`<tr><td>${throttledRole} (driven over its limit)</td><td>${acc} accepted, ${rej} throttled</td><td>${badge(rej > 0 ? 'pass' : 'fail', rej > 0 ? 'throttled' : 'never throttled')}</td></tr>`);
  }
  if (b) {
    const rej = b.points.reduce((n, x) => n + x.rejected, 0);
    const acc = b.points.reduce((n, x) => n + x.accepted, 0);
    rows.push(html`<tr><td>bystanders ${bystanders.join(', ')} (half their limit)</td><td>${acc} accepted, ${rej} throttled</td><td>${badge(rej === 0 ? 'pass' : 'fail', rej === 0 ? 'untouched' : `${rej} × 429`)}</td></tr>`);
  }
  const spread = isRec(d.spread) ? d.spread : null;
  if (spread) {
    const acc = s.metrics.spread_accepted?.values?.count;
    const sent = s.metrics.spread_sent?.values?.count;
    const min = numOr(spread.acceptedMin);
    const max = numOr(spread.acceptedMax);
    const within = acc !== undefined && min !== undefined && max !== undefined && acc >= min && acc <= max;
    rows.push(html`<tr><td>${strOr(spread.key, 'spread key')} over ${num(numOr(spread.vus))} VUs (${strOr(spread.sourceNote, '')})</td><td>${num(acc)} of ${num(sent)} accepted in the steady part; one key may accept ${num(min)}..${num(max)}</td><td>${badge(within ? 'pass' : 'fail', within ? 'limited as one key' : 'outside one key’s bound')}</td></tr>`);
  }
  const charts = html`${a ? windowChart('isolation-throttled', `Key ${throttledRole}: accepted vs throttled per window`, a, { limit: limit ?? null, domainMs: end }) : html`<p class="not-run">No series for key ${throttledRole} in this summary.</p>`}
${b ? windowChart('isolation-bystanders', `Bystanders (${bystanders.join(', ')}, summed): accepted vs throttled per window`, b, { offsetMs: offset, domainMs: end }) : html`<p class="not-run">No series for the bystanders in this summary.</p>`}`;
  return section(
    'key-isolation',
    'Key isolation',
    verdictOf(s),
    html`${runLine(p)}<table class="facts"><thead><tr><th>part</th><th>observed</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table>
${charts}<p class="caption">Both charts share the time axis: the bystanders start one window after key ${throttledRole} and stop one window before it; any red in the second chart is a bystander throttled by another key's traffic.</p>${thresholdTable(s)}${notes(s)}`,
  );
}

// Formats IMF-fixdates for test inputs (Retry-After and Date headers a test server sends); the
// harness only ever parses them (lib/http-date.ts).
const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IMF-fixdate of a time in ms since the epoch (seconds truncated), e.g. for Date / Retry-After. */
export function formatImfFixdate(epochMs: number): string {
  const d = new Date(Math.floor(epochMs / 1000) * 1000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return (
    `${SHORT_DAYS[d.getUTCDay()] ?? ''}, ${p2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()] ?? ''} ` +
    `${String(d.getUTCFullYear()).padStart(4, '0')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} GMT`
  );
}

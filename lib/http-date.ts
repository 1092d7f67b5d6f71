// Strict HTTP-date parsing (RFC 9110 §5.6.7). Date.parse is not used: it accepts many shapes
// the grammar forbids (lowercase names, missing GMT, ISO dates), and a harness that judges a
// server must not be more lenient than the grammar. Each form is matched by its own regex and
// the calendar is computed with integer arithmetic (no Date quirks for years < 100).

export type HttpDateForm = 'imf-fixdate' | 'rfc850' | 'asctime';

export type HttpDateResult =
  | { ok: true; form: HttpDateForm; epochSeconds: number }
  | { ok: false; reason: string };

const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

const SD = SHORT_DAYS.join('|');
const LD = LONG_DAYS.join('|');
const MO = MONTHS.join('|');
const TIME = '([0-9]{2}):([0-9]{2}):([0-9]{2})';
// Exactly one SP between tokens, case-sensitive ("HTTP-date is case sensitive").
const IMF_FIXDATE = new RegExp(`^(${SD}), ([0-9]{2}) (${MO}) ([0-9]{4}) ${TIME} GMT$`);
const RFC850 = new RegExp(`^(${LD}), ([0-9]{2})-(${MO})-([0-9]{2}) ${TIME} GMT$`);
const ASCTIME = new RegExp(`^(${SD}) (${MO}) ([0-9]{2}| [0-9]) ${TIME} ([0-9]{4})$`);

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** 0 = Sunday. */
function weekday(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/**
 * rfc850 two-digit years: RFC 9110 says a year that appears more than 50 years in the future is
 * the most recent past year with those digits. Relative to `referenceYear` (the response's Date
 * header year when judging Retry-After); without one, 70..99 -> 19xx, 00..69 -> 20xx.
 */
export function resolveTwoDigitYear(yy: number, referenceYear?: number): number {
  if (referenceYear === undefined) return yy >= 70 ? 1900 + yy : 2000 + yy;
  let year = Math.floor(referenceYear / 100) * 100 + yy;
  if (year > referenceYear + 50) year -= 100;
  else if (year <= referenceYear - 50) year += 100;
  return year;
}

interface Fields {
  dayName: string;
  day: number;
  month: number;
  year: number;
  hour: number;
  minute: number;
  second: number;
}

function match(value: string, referenceYear?: number): { form: HttpDateForm; f: Fields } | null {
  let m = IMF_FIXDATE.exec(value);
  if (m) {
    const [, dn = '', d = '', mo = '', y = '', h = '', mi = '', s = ''] = m;
    return { form: 'imf-fixdate', f: fields(dn, d, mo, Number(y), h, mi, s) };
  }
  m = RFC850.exec(value);
  if (m) {
    const [, dn = '', d = '', mo = '', yy = '', h = '', mi = '', s = ''] = m;
    return { form: 'rfc850', f: fields(dn, d, mo, resolveTwoDigitYear(Number(yy), referenceYear), h, mi, s) };
  }
  m = ASCTIME.exec(value);
  if (m) {
    const [, dn = '', mo = '', d = '', h = '', mi = '', s = '', y = ''] = m;
    return { form: 'asctime', f: fields(dn, d.trim(), mo, Number(y), h, mi, s) };
  }
  return null;
}

function fields(dayName: string, d: string, mo: string, year: number, h: string, mi: string, s: string): Fields {
  return {
    dayName,
    day: Number(d),
    month: MONTHS.indexOf(mo as (typeof MONTHS)[number]) + 1,
    year,
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
  };
}

/** Parses one HTTP-date in any of the three forms a recipient must accept. */
export function parseHttpDate(value: string, referenceYear?: number): HttpDateResult {
  const matched = match(value, referenceYear);
  if (!matched) {
    return {
      ok: false,
      reason: `"${value}" matches none of the HTTP-date forms (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT", rfc850, asctime; case-sensitive, single spaces)`,
    };
  }
  const { form, f } = matched;
  const ymd = `${String(f.year).padStart(4, '0')}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`;
  if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) return { ok: false, reason: `no such day: ${ymd}` };
  const leapSecond = f.hour === 23 && f.minute === 59 && f.second === 60;
  if (f.hour > 23 || f.minute > 59 || (f.second > 59 && !leapSecond)) {
    return { ok: false, reason: `time of day out of range in "${value}" (00:00:00..23:59:60)` };
  }
  const days = daysFromCivil(f.year, f.month, f.day);
  const wd = weekday(days);
  const expected = form === 'rfc850' ? LONG_DAYS[wd] : SHORT_DAYS[wd];
  // RFC 5322 §3.3 (IMF-fixdate's origin): the day-of-week MUST be the day implied by the date.
  if (f.dayName !== expected) {
    return { ok: false, reason: `day name ${f.dayName} does not match ${ymd}, which is a ${expected ?? '?'}` };
  }
  return { ok: true, form, epochSeconds: days * 86400 + f.hour * 3600 + f.minute * 60 + f.second };
}

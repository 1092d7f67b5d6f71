import { describe, expect, it } from 'vitest';
import { daysFromCivil, parseHttpDate, resolveTwoDigitYear } from '../../lib/http-date';
import { formatImfFixdate } from '../support/imf-fixdate';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
const RFC_EXAMPLE = utc(1994, 11, 6, 8, 49, 37); // the RFC 9110 example instant

describe('parseHttpDate: valid dates', () => {
  it.each([
    { value: 'Sun, 06 Nov 1994 08:49:37 GMT', form: 'imf-fixdate', at: RFC_EXAMPLE },
    { value: 'Sunday, 06-Nov-94 08:49:37 GMT', form: 'rfc850', at: RFC_EXAMPLE },
    { value: 'Sun Nov  6 08:49:37 1994', form: 'asctime', at: RFC_EXAMPLE },
    { value: 'Sun Nov 06 08:49:37 1994', form: 'asctime', at: RFC_EXAMPLE },
    { value: 'Thu, 01 Jan 1970 00:00:00 GMT', form: 'imf-fixdate', at: 0 },
    { value: 'Thu, 29 Feb 2024 12:00:00 GMT', form: 'imf-fixdate', at: utc(2024, 2, 29, 12) },
    { value: 'Tue, 29 Feb 2000 00:00:00 GMT', form: 'imf-fixdate', at: utc(2000, 2, 29) },
    { value: 'Sat, 31 Dec 2016 23:59:60 GMT', form: 'imf-fixdate', at: utc(2017, 1, 1) },
    { value: 'Fri, 31 Dec 9999 23:59:59 GMT', form: 'imf-fixdate', at: utc(9999, 12, 31, 23, 59, 59) },
    { value: 'Mon, 01 Jan 0001 00:00:00 GMT', form: 'imf-fixdate', at: -62135596800 },
    { value: 'Tuesday, 31-Dec-69 23:59:59 GMT', form: 'rfc850', at: utc(2069, 12, 31, 23, 59, 59) },
    { value: 'Thu Jan  1 00:00:00 1970', form: 'asctime', at: 0 },
  ])('$value', ({ value, form, at }) => {
    expect(parseHttpDate(value)).toEqual({ ok: true, form, epochSeconds: at });
  });
});

describe('parseHttpDate: invalid dates', () => {
  it.each([
    { value: '', why: /matches none/ },
    { value: 'sun, 06 Nov 1994 08:49:37 GMT', why: /matches none/ },
    { value: 'Sun, 06 nov 1994 08:49:37 GMT', why: /matches none/ },
    { value: 'SUN, 06 NOV 1994 08:49:37 GMT', why: /matches none/ },
    { value: 'Sun, 06 Nov 1994 08:49:37', why: /matches none/ },
    { value: 'Sun, 06 Nov 1994 08:49:37 UTC', why: /matches none/ },
    { value: 'Sun, 06 Nov 1994 08:49:37 +0000', why: /matches none/ },
    { value: 'Sun, 06 Nov 1994 08:49:37 gmt', why: /matches none/ },
    { value: 'Sun, 6 Nov 1994 08:49:37 GMT', why: /matches none/ },
    { value: 'Sun,  06 Nov 1994 08:49:37 GMT', why: /matches none/ },
    { value: 'Sun, 06 Nov 1994  08:49:37 GMT', why: /matches none/ },
    { value: ' Sun, 06 Nov 1994 08:49:37 GMT', why: /matches none/ },
    { value: 'Sun 06 Nov 1994 08:49:37 GMT', why: /matches none/ },
    { value: 'Sun, 06 Nov 94 08:49:37 GMT', why: /matches none/ },
    { value: 'Sun, 06 Nov 1994 8:49:37 GMT', why: /matches none/ },
    { value: 'Sun, 06 Nov 1994 08:49 GMT', why: /matches none/ },
    { value: 'Sun, 06 Nov 1994 08:49:37.5 GMT', why: /matches none/ },
    { value: 'Sunday, 06 Nov 1994 08:49:37 GMT', why: /matches none/ },
    { value: 'Sun, 06-Nov-94 08:49:37 GMT', why: /matches none/ },
    { value: 'Sunday, 06-Nov-1994 08:49:37 GMT', why: /matches none/ },
    { value: 'Sunday, 6-Nov-94 08:49:37 GMT', why: /matches none/ },
    { value: 'Sunday, 06-Nov-94 08:49:37', why: /matches none/ },
    { value: 'Sun Nov 6 08:49:37 1994', why: /matches none/ },
    { value: 'Sun Nov  6 08:49:37 1994 GMT', why: /matches none/ },
    { value: 'Sun, Nov  6 08:49:37 1994', why: /matches none/ },
    { value: 'Sun Nov  6 08:49:37 94', why: /matches none/ },
    { value: '1994-11-06T08:49:37Z', why: /matches none/ },
    { value: '784111777', why: /matches none/ },
    { value: 'Sun, \u0660\u0666 Nov 1994 08:49:37 GMT', why: /matches none/ },
    { value: 'Mon, 06 Nov 1994 08:49:37 GMT', why: /day name Mon does not match 1994-11-06, which is a Sun/ },
    { value: 'Monday, 06-Nov-94 08:49:37 GMT', why: /does not match 1994-11-06, which is a Sunday/ },
    { value: 'Mon Nov  6 08:49:37 1994', why: /day name Mon does not match/ },
    // 69 resolves to 2069 without a reference year; 1969-12-31 was the Wednesday.
    { value: 'Wednesday, 31-Dec-69 23:59:59 GMT', why: /does not match 2069-12-31, which is a Tuesday/ },
    { value: 'Wed, 29 Feb 2023 00:00:00 GMT', why: /no such day: 2023-02-29/ },
    { value: 'Thu, 29 Feb 1900 00:00:00 GMT', why: /no such day: 1900-02-29/ },
    { value: 'Sat, 31 Apr 2021 00:00:00 GMT', why: /no such day/ },
    { value: 'Sat, 32 Jan 2022 00:00:00 GMT', why: /no such day/ },
    { value: 'Sat, 00 Jan 2022 00:00:00 GMT', why: /no such day/ },
    { value: 'Sun, 06 Nov 1994 24:00:00 GMT', why: /time of day out of range/ },
    { value: 'Sun, 06 Nov 1994 08:60:00 GMT', why: /time of day out of range/ },
    { value: 'Sun, 06 Nov 1994 08:49:60 GMT', why: /time of day out of range/ },
    { value: 'Sun, 06 Nov 1994 08:49:99 GMT', why: /time of day out of range/ },
  ])('rejects "$value"', ({ value, why }) => {
    const r = parseHttpDate(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(why);
  });
});

describe('resolveTwoDigitYear', () => {
  it.each([
    { yy: 94, ref: undefined, year: 1994 },
    { yy: 70, ref: undefined, year: 1970 },
    { yy: 69, ref: undefined, year: 2069 },
    { yy: 0, ref: undefined, year: 2000 },
    { yy: 94, ref: 2025, year: 1994 },
    { yy: 25, ref: 2025, year: 2025 },
    { yy: 75, ref: 2025, year: 2075 },
    { yy: 76, ref: 2025, year: 1976 },
    { yy: 0, ref: 1999, year: 2000 },
    { yy: 99, ref: 2001, year: 1999 },
    { yy: 1, ref: 2099, year: 2101 },
  ])('$yy relative to $ref is $year', ({ yy, ref, year }) => {
    expect(resolveTwoDigitYear(yy, ref)).toBe(year);
  });
});

describe('formatImfFixdate and the calendar', () => {
  it('formats the RFC example', () => {
    expect(formatImfFixdate(RFC_EXAMPLE * 1000 + 999)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });

  it('round-trips and agrees with Date for many instants', () => {
    let t = 0;
    for (let i = 0; i < 2000; i++) {
      t = (t * 1103515245 + 12345) % 2 ** 31;
      const ms = (t % 100_000) * 3_000_000_123; // spread over roughly 1970..11500
      if (ms > Date.UTC(9999, 11, 31)) continue;
      const text = formatImfFixdate(ms);
      expect(text).toBe(new Date(ms).toUTCString());
      expect(parseHttpDate(text)).toEqual({ ok: true, form: 'imf-fixdate', epochSeconds: Math.floor(ms / 1000) });
    }
  });

  it('daysFromCivil agrees with Date.UTC', () => {
    for (const [y, m, d] of [[1970, 1, 1], [1969, 12, 31], [2000, 2, 29], [2100, 3, 1], [1600, 1, 1], [2024, 12, 31]] as const) {
      expect(daysFromCivil(y, m, d) * 86400_000).toBe(Date.UTC(y, m - 1, d));
    }
  });
});

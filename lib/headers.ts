// Case-insensitive header lookup over plain records: k6 canonicalises names ("Retry-After"),
// Node lowercases them ("retry-after"). Repeated values are joined with ", " as k6 does.

export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

export function getHeader(headers: HeaderRecord | undefined | null, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== wanted || v === undefined) continue;
    if (typeof v === 'string') values.push(v);
    else values.push(...v);
  }
  return values.length === 0 ? undefined : values.join(', ');
}

/** The same headers under lower-cased names, repeated values joined as getHeader joins them. */
export function lowerCaseHeaders(headers: HeaderRecord | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    const value = typeof v === 'string' ? v : v.join(', ');
    out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  }
  return out;
}

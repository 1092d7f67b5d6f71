// Where traffic may go. Two catches, both on the host of the base URL, both engine-agnostic:
// loopback unless RUNDUN_ALLOW_REMOTE=yes (a typo must not send a burst at someone's API), and
// never production (api.rundun.app, or a host on RUNDUN_PRODUCTION_HOSTS) unless
// RUNDUN_ALLOW_PRODUCTION=yes, whatever RUNDUN_ALLOW_REMOTE says.

/** The host everyone's production traffic goes to; RUNDUN_PRODUCTION_HOSTS adds more. */
export const PRODUCTION_HOST = 'api.rundun.app';

/**
 * The host of an http(s) URL, lower-cased, without port, user info or a trailing dot; null when
 * it is not an http(s) URL with a plain host (letters, digits, '.', '-', or an IPv6 literal).
 * Written without URL (absent in k6). Anything odd in the host (%-escapes, '\', '@' tricks) is
 * refused rather than guessed at, so no spelling of a host can slip past the production guard.
 */
export function hostOf(url: string): string | null {
  const m = /^https?:\/\/(?:[^@/?#\\]*@)?(\[[0-9a-fA-F:.]+\]|[^/:?#\\@]+)(?::\d+)?(?:[/?#]|$)/i.exec(url.trim());
  if (!m) return null;
  return normaliseHost(m[1] as string);
}

/** Lower case, no trailing dot; null when not a plain host name, IPv4 address or IPv6 literal. */
export function normaliseHost(host: string): string | null {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (/^\[[0-9a-f:.]+\]$/.test(h)) return h;
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/.test(h)) return null;
  return h;
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '[::1]') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return !!m && m.slice(1).every((o) => Number(o) <= 255);
}

/**
 * RUNDUN_PRODUCTION_HOSTS: comma-separated host names (a port is allowed and ignored), added to
 * api.rundun.app. Exact names only: staging.api.rundun.app is not production unless listed.
 */
export function parseProductionHosts(list: string | undefined): string[] {
  const out = [PRODUCTION_HOST];
  for (const raw of (list ?? '').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const host = normaliseHost(entry.replace(/:\d+$/, ''));
    if (host === null) throw new Error(`RUNDUN_PRODUCTION_HOSTS: '${entry}' is not a host name (give names like api.example.com, comma-separated, no scheme or path)`);
    if (!out.includes(host)) out.push(host);
  }
  return out;
}

export function isProductionHost(host: string, productionHosts: readonly string[] = [PRODUCTION_HOST]): boolean {
  const h = normaliseHost(host);
  return h !== null && productionHosts.includes(h);
}

/** Throws unless the base URL is loopback or RUNDUN_ALLOW_REMOTE=yes was given. */
export function checkTargetAllowed(baseUrl: string, allowRemote: boolean): void {
  const host = hostOf(baseUrl);
  if (!host) throw new Error(`base URL '${baseUrl}' is not an http(s) URL with a plain host name`);
  if (!isLoopbackHost(host) && !allowRemote)
    throw new Error(
      `refusing to send traffic to '${host}': only loopback (127.0.0.0/8, localhost, [::1]) is allowed unless RUNDUN_ALLOW_REMOTE=yes is set`,
    );
}

export interface ProductionConsent {
  allowProduction: boolean;
  /** Conformance only: RUNDUN_READ_ONLY=yes, the suite makes no writes. */
  readOnly?: boolean;
}

/**
 * Throws when the base URL is a production host and the operator has not said so in so many
 * words: RUNDUN_ALLOW_PRODUCTION=yes, or (for the conformance suite, which can leave writes out)
 * RUNDUN_READ_ONLY=yes. `engine` names what the message tells the operator to set.
 */
export function checkProductionAllowed(baseUrl: string, productionHosts: readonly string[], consent: ProductionConsent, engine: 'conformance' | 'k6'): void {
  const host = hostOf(baseUrl);
  if (!host || !isProductionHost(host, productionHosts)) return;
  if (consent.allowProduction) return;
  if (engine === 'conformance' && consent.readOnly) return;
  const listed = host === PRODUCTION_HOST ? 'the production API' : 'on RUNDUN_PRODUCTION_HOSTS';
  const fix =
    engine === 'conformance'
      ? 'set RUNDUN_READ_ONLY=yes (no writes) or RUNDUN_ALLOW_PRODUCTION=yes'
      : 'load never goes to production unless RUNDUN_ALLOW_PRODUCTION=yes is set';
  throw new Error(`refusing to send traffic to production: '${host}' is ${listed} (RUNDUN_ALLOW_REMOTE=yes is not enough); ${fix}`);
}

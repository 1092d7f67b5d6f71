// API keys: generated from crypto.randomBytes, kept only as SHA-256 hashes. A request's token
// is hashed once (by the edge stage, which also uses the hash as its rate-limit identity);
// lookup is by hash, confirmed with timingSafeEqual.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PREFIX = 'rdk_live_';
export const KEY_PATTERN = /^rdk_live_[A-Za-z0-9]{32}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `rdk_live_` + 32 characters of [A-Za-z0-9], unbiased (rejection sampling over bytes). */
export function generateKey(): string {
  let out = KEY_PREFIX;
  while (out.length < KEY_PREFIX.length + 32) {
    for (const b of randomBytes(48)) {
      // 248 = 4 * 62: bytes at or above it would favour the first characters.
      if (b < 248 && out.length < KEY_PREFIX.length + 32) out += ALPHABET[b % 62];
    }
  }
  return out;
}

/**
 * SHA-256 of a token as a 32-character latin1 string (one char per byte): usable directly as a
 * Map key, and crypto.hash with a string output is several times cheaper than createHash().
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'binary'); // 'binary' is node's alias of latin1
}

export interface KeyRecord {
  readonly hash: Buffer;
  readonly orgId: string;
  revoked: boolean;
}

/** auth.malformed-accepted compares only this many leading characters ('rdk_live_' + 11). */
export const PREFIX_LENGTH = 20;

export class KeyStore {
  // Map key: the digest as a latin1 string (see hashToken).
  private readonly byHash = new Map<string, KeyRecord>();
  // Digest of each key's first PREFIX_LENGTH characters, for the auth.malformed-accepted fault
  // only (hashes too: the store still holds no plaintext).
  private readonly byPrefix = new Map<string, KeyRecord>();

  /** Registers a key for an org; the plaintext is not kept. */
  add(plaintext: string, orgId: string): void {
    const digest = hashToken(plaintext);
    const rec: KeyRecord = { hash: Buffer.from(digest, 'latin1'), orgId, revoked: false };
    this.byHash.set(digest, rec);
    this.byPrefix.set(hashToken(plaintext.slice(0, PREFIX_LENGTH)), rec);
  }

  /** The record of an issued key whose first PREFIX_LENGTH characters equal the token's (the fault's bug). */
  lookupPrefix(token: string): KeyRecord | undefined {
    if (token.length < PREFIX_LENGTH) return undefined;
    return this.byPrefix.get(hashToken(token.slice(0, PREFIX_LENGTH)));
  }

  revoke(plaintext: string): boolean {
    const rec = this.lookup(hashToken(plaintext));
    if (rec === undefined) return false;
    rec.revoked = true;
    return true;
  }

  /** The record for a token's hash, revoked or not; undefined when unknown. */
  lookup(digest: string): KeyRecord | undefined {
    const rec = this.byHash.get(digest);
    if (rec === undefined || !timingSafeEqual(rec.hash, Buffer.from(digest, 'latin1'))) return undefined;
    return rec;
  }

  get size(): number {
    return this.byHash.size;
  }
}

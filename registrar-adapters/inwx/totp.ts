/**
 * TOTP (RFC 6238, https://www.rfc-editor.org/rfc/rfc6238) over HOTP (RFC 4226), with node:crypto:
 * what INWX's account.unlock takes as `tan` for accounts with two-factor login ("GOOGLE-AUTH":
 * HMAC-SHA1, 30-second steps, 6 digits, the shared secret in base32 as the INWX account shows it).
 */
import { createHmac } from 'node:crypto';

export interface TotpOptions {
  readonly digits?: number;
  readonly stepSeconds?: number;
  readonly algorithm?: 'sha1' | 'sha256' | 'sha512';
}

/** RFC 4648 base32 (the alphabet authenticator apps use); spaces, dashes, case and padding ignored. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch);
    if (idx === -1) throw new Error(`"${ch}" is not a base32 character`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  if (out.length === 0) throw new Error('the secret is empty');
  return Buffer.from(out);
}

/** The one-time password for `key` at unix time `timeSeconds`. */
export function totp(key: Buffer, timeSeconds: number, opts: TotpOptions = {}): string {
  const digits = opts.digits ?? 6;
  const counter = Math.floor(timeSeconds / (opts.stepSeconds ?? 30));
  const msg = Buffer.alloc(8);
  // Counters beyond 2^32 (RFC 6238's year-2603 vector) need both halves.
  msg.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 0);
  msg.writeUInt32BE(counter >>> 0, 4);
  const mac = createHmac(opts.algorithm ?? 'sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(code).padStart(digits, '0');
}

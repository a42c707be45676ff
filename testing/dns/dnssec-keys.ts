/**
 * Real DNSSEC test keys: an ECDSA P-256 key pair (algorithm 13, what Route 53 uses for its
 * key-signing keys) as a DNSKEY, so key tags and DS digests in tests are real ones.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { DnskeyRecord } from '../../core/dnssec';

/** A fresh DNSKEY (257 = key-signing key, 256 = zone-signing key): the raw 64-byte X||Y point, base64. */
export function testDnskey(flags = 257): DnskeyRecord {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = Buffer.concat([Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return { flags, protocol: 3, algorithm: 13, publicKey: raw.toString('base64') };
}

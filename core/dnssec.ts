/**
 * DNSSEC delegation data, shared by the CLI, the adapters, the emulators and the constructs.
 *
 * Registrars disagree on what they take: most want the DS
 * record (key tag, algorithm, digest type, digest), some (Gandi, Route 53 Domains) the DNSKEY
 * (flags, protocol, algorithm, public key) and compute the DS themselves. One `DnssecRecord`
 * carries both: the DS always (computed from the DNSKEY when that is what was given), the DNSKEY
 * when known. A DS cannot be turned back into a DNSKEY, so a DNSKEY registrar needs the DNSKEY.
 *
 * Text forms are the zone-file presentation forms, which is also what Route 53 gives
 * (`aws_route53_key_signing_key.ds_record` / `dnskey_record`):
 *   DS:     "<keyTag> <algorithm> <digestType> <hex digest>"       e.g. "12345 13 2 ABCD..."
 *   DNSKEY: "<flags> <protocol> <algorithm> <base64 public key>"   e.g. "257 3 13 mdsswUyr..."
 */
import { createHash } from 'node:crypto';

export interface DsRecord {
  readonly keyTag: number;
  readonly algorithm: number;
  readonly digestType: number;
  /** Upper-case hex, no spaces. */
  readonly digest: string;
}

export interface DnskeyRecord {
  readonly flags: number;
  readonly protocol: number;
  readonly algorithm: number;
  /** Base64, no spaces. */
  readonly publicKey: string;
}

export interface DnssecRecord {
  readonly ds: DsRecord;
  readonly dnskey?: DnskeyRecord;
  /** The registrar's own id for the record (Gandi, DNSimple, Route 53 Domains delete by id). */
  readonly registrarId?: string;
}

/** What a registrar takes: DS records, or DNSKEYs from which it computes the DS itself. */
export type DnssecInput = 'ds' | 'dnskey';

/** IANA DNS security algorithm numbers and their mnemonics (GoDaddy wants the mnemonic). */
export const ALGORITHM_NAMES: Readonly<Record<number, string>> = {
  1: 'RSAMD5',
  2: 'DH',
  3: 'DSA',
  5: 'RSASHA1',
  6: 'DSA_NSEC3_SHA1',
  7: 'RSASHA1_NSEC3_SHA1',
  8: 'RSASHA256',
  10: 'RSASHA512',
  12: 'ECC_GOST',
  13: 'ECDSAP256SHA256',
  14: 'ECDSAP384SHA384',
  15: 'ED25519',
  16: 'ED448',
  252: 'INDIRECT',
  253: 'PRIVATEDNS',
  254: 'PRIVATEOID',
};

/** IANA DS digest type numbers and their names. */
export const DIGEST_TYPE_NAMES: Readonly<Record<number, string>> = { 1: 'SHA1', 2: 'SHA256', 3: 'GOST', 4: 'SHA384' };

/** Hex digest length of each digest type (GOST R 34.11-94 is 32 bytes too). */
const DIGEST_HEX_LENGTH: Readonly<Record<number, number>> = { 1: 40, 2: 64, 3: 64, 4: 96 };

export class InvalidDnssecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDnssecError';
  }
}

/** A mnemonic (any case, `-` or `_`) or a number, as the number. */
export function algorithmNumber(value: string | number): number | undefined {
  if (typeof value === 'number') return ALGORITHM_NAMES[value] ? value : undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return ALGORITHM_NAMES[Number(v)] ? Number(v) : undefined;
  const name = v.toUpperCase().replace(/-/g, '_');
  const hit = Object.entries(ALGORITHM_NAMES).find(([, n]) => n === name);
  return hit ? Number(hit[0]) : undefined;
}

export function digestTypeNumber(value: string | number): number | undefined {
  if (typeof value === 'number') return DIGEST_TYPE_NAMES[value] ? value : undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return DIGEST_TYPE_NAMES[Number(v)] ? Number(v) : undefined;
  const name = v.toUpperCase().replace(/[-_]/g, '');
  const hit = Object.entries(DIGEST_TYPE_NAMES).find(([, n]) => n === name);
  return hit ? Number(hit[0]) : undefined;
}

function integer(field: string, text: string, max: number): number {
  if (!/^\d+$/.test(text)) throw new InvalidDnssecError(`${field} "${text}" is not a whole number`);
  const n = Number(text);
  if (n > max) throw new InvalidDnssecError(`${field} ${n} is out of range (0-${max})`);
  return n;
}

/** Checks and canonicalises a DS given as its parts (used by the adapters for registrar data too). */
export function checkDs(ds: { keyTag: number | string; algorithm: number | string; digestType: number | string; digest: string }): DsRecord {
  const keyTag = integer('key tag', String(ds.keyTag).trim(), 65535);
  const algorithm = algorithmNumber(ds.algorithm);
  if (algorithm === undefined) throw new InvalidDnssecError(`algorithm "${ds.algorithm}" is not a DNSSEC algorithm (e.g. 13 or ECDSAP256SHA256)`);
  const digestType = digestTypeNumber(ds.digestType);
  if (digestType === undefined) throw new InvalidDnssecError(`digest type "${ds.digestType}" is not a DS digest type (1 SHA1, 2 SHA256, 3 GOST, 4 SHA384)`);
  const digest = String(ds.digest).replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(digest)) throw new InvalidDnssecError('the digest must be hexadecimal');
  const expected = DIGEST_HEX_LENGTH[digestType];
  if (digest.length !== expected) {
    throw new InvalidDnssecError(`a ${DIGEST_TYPE_NAMES[digestType]} digest has ${expected} hex digits, this one ${digest.length}`);
  }
  return { keyTag, algorithm, digestType, digest };
}

export function checkDnskey(key: { flags: number | string; protocol: number | string; algorithm: number | string; publicKey: string }): DnskeyRecord {
  const flags = integer('flags', String(key.flags).trim(), 65535);
  // RFC 4034 2.1.1: bit 7 (value 256) is the Zone Key flag; a DS may only point at a zone key.
  if ((flags & 256) === 0) throw new InvalidDnssecError(`flags ${flags} is not a zone key (257 for a key-signing key, 256 for a zone-signing key)`);
  const protocol = integer('protocol', String(key.protocol).trim(), 255);
  if (protocol !== 3) throw new InvalidDnssecError(`protocol must be 3 (RFC 4034), not ${protocol}`);
  const algorithm = algorithmNumber(key.algorithm);
  if (algorithm === undefined) throw new InvalidDnssecError(`algorithm "${key.algorithm}" is not a DNSSEC algorithm (e.g. 13 or ECDSAP256SHA256)`);
  const publicKey = String(key.publicKey).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(publicKey) || publicKey.length % 4 !== 0) {
    throw new InvalidDnssecError('the public key must be base64');
  }
  return { flags, protocol, algorithm, publicKey };
}

function parts(text: string, what: string, example: string): string[] {
  const p = text.trim().split(/\s+/);
  if (p.length < 4) throw new InvalidDnssecError(`${what} "${text}" must have four parts: ${example}`);
  return p;
}

/** "<keyTag> <algorithm> <digestType> <digest>"; the digest may contain spaces, as zone files write it. */
export function parseDs(text: string): DsRecord {
  const p = parts(text, 'DS', '"<keyTag> <algorithm> <digestType> <hex digest>", e.g. "12345 13 2 ABCD..."');
  return checkDs({ keyTag: p[0], algorithm: p[1], digestType: p[2], digest: p.slice(3).join('') });
}

/** "<flags> <protocol> <algorithm> <base64 key>"; the key may contain spaces. */
export function parseDnskey(text: string): DnskeyRecord {
  const p = parts(text, 'DNSKEY', '"<flags> <protocol> <algorithm> <base64 public key>", e.g. "257 3 13 mdsswUyr..."');
  return checkDnskey({ flags: p[0], protocol: p[1], algorithm: p[2], publicKey: p.slice(3).join('') });
}

export const formatDs = (ds: DsRecord): string => `${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest}`;
export const formatDnskey = (k: DnskeyRecord): string => `${k.flags} ${k.protocol} ${k.algorithm} ${k.publicKey}`;

/** The DNSKEY RDATA in wire format (RFC 4034 2.1). */
function dnskeyRdata(k: DnskeyRecord): Buffer {
  const key = Buffer.from(k.publicKey, 'base64');
  const head = Buffer.alloc(4);
  head.writeUInt16BE(k.flags, 0);
  head.writeUInt8(k.protocol, 2);
  head.writeUInt8(k.algorithm, 3);
  return Buffer.concat([head, key]);
}

/** A domain name in canonical wire format: lower case, length-prefixed labels, root label last. */
function ownerNameWire(domain: string): Buffer {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

/** Key tag of a DNSKEY (RFC 4034 appendix B; algorithm 1 is not supported by anything nsbridge talks to). */
export function keyTagOf(k: DnskeyRecord): number {
  const rdata = dnskeyRdata(k);
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i] : rdata[i] << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

const HASHES: Readonly<Record<number, string>> = { 1: 'sha1', 2: 'sha256', 4: 'sha384' };

/** The DS for a domain's DNSKEY (RFC 4034 5.1.4): digest over the owner name and the DNSKEY RDATA. */
export function dsFromDnskey(domain: string, k: DnskeyRecord, digestType = 2): DsRecord {
  const hash = HASHES[digestType];
  if (!hash) throw new InvalidDnssecError(`cannot compute a DS with digest type ${digestType}; use 2 (SHA256)`);
  const owner = ownerNameWire(domain);
  const digest = createHash(hash).update(owner).update(dnskeyRdata(k)).digest('hex').toUpperCase();
  return { keyTag: keyTagOf(k), algorithm: k.algorithm, digestType, digest };
}

/** A record from a DNSKEY: its DS (SHA-256) computed for the domain. */
export const recordFromDnskey = (domain: string, dnskey: DnskeyRecord): DnssecRecord => ({ ds: dsFromDnskey(domain, dnskey), dnskey });

const sameDs = (a: DsRecord, b: DsRecord) =>
  a.keyTag === b.keyTag && a.algorithm === b.algorithm && a.digestType === b.digestType && a.digest === b.digest;
const sameDnskey = (a: DnskeyRecord, b: DnskeyRecord) =>
  a.flags === b.flags && a.protocol === b.protocol && a.algorithm === b.algorithm && a.publicKey === b.publicKey;

/**
 * The same delegation signer: the same DNSKEY when both sides know it (a registrar may have
 * computed another digest type for it), else the same DS.
 */
export function sameDnssecRecord(a: DnssecRecord, b: DnssecRecord): boolean {
  if (a.dnskey && b.dnskey) return sameDnskey(a.dnskey, b.dnskey);
  return sameDs(a.ds, b.ds);
}

export interface DnssecPlan {
  readonly changed: boolean;
  /** Desired records the registrar does not hold: added first, so a key roll never has a gap. */
  readonly add: readonly DnssecRecord[];
  /** Records the registrar holds that are not desired (as the registrar returned them, with ids). */
  readonly remove: readonly DnssecRecord[];
  readonly keep: readonly DnssecRecord[];
}

/** What `ds set` (desired = the given records) and `ds clear` (desired = []) have to do. */
export function planDnssec(current: readonly DnssecRecord[], desired: readonly DnssecRecord[]): DnssecPlan {
  const add = desired.filter((d) => !current.some((c) => sameDnssecRecord(c, d)));
  const remove = current.filter((c) => !desired.some((d) => sameDnssecRecord(c, d)));
  const keep = current.filter((c) => desired.some((d) => sameDnssecRecord(c, d)));
  return { changed: add.length > 0 || remove.length > 0, add, remove, keep };
}

/** The JSON form the CLI prints for one record. */
export function dnssecRecordJson(r: DnssecRecord): { ds: string; dnskey?: string } {
  return r.dnskey ? { ds: formatDs(r.ds), dnskey: formatDnskey(r.dnskey) } : { ds: formatDs(r.ds) };
}

/** Short form for messages: the digest is 40-96 hex digits, its start is enough to tell records apart. */
export const shortDs = (d: DsRecord) => `${d.keyTag} ${d.algorithm} ${d.digestType} ${d.digest.slice(0, 8)}...`;

function computedDs(domain: string, key: DnskeyRecord, digestType: number): DsRecord | undefined {
  try {
    return dsFromDnskey(domain, key, digestType);
  } catch {
    return undefined; // a digest type nsbridge cannot compute (GOST)
  }
}

/**
 * A DS the parent serves stands for a desired record when it is that DS, or, when the DNSKEY is
 * known, the DS of that key with another digest type (a DNSKEY registrar computes its own).
 */
export function dsStandsFor(domain: string, served: DsRecord, wanted: DnssecRecord): boolean {
  if (sameDs(served, wanted.ds)) return true;
  if (!wanted.dnskey || served.keyTag !== keyTagOf(wanted.dnskey) || served.algorithm !== wanted.dnskey.algorithm) return false;
  const ds = computedDs(domain, wanted.dnskey, served.digestType);
  return ds !== undefined && sameDs(served, ds);
}

/** A DNSKEY a zone server serves is the one a desired record points at. */
export function keyStandsFor(domain: string, key: DnskeyRecord, wanted: DnssecRecord): boolean {
  if (wanted.dnskey) return sameDnskey(key, wanted.dnskey);
  if (keyTagOf(key) !== wanted.ds.keyTag || key.algorithm !== wanted.ds.algorithm) return false;
  const ds = computedDs(domain, key, wanted.ds.digestType);
  // GOST digests cannot be computed here: key tag and algorithm are then the best check there is.
  return ds === undefined || sameDs(ds, wanted.ds);
}

/** One parent-zone server's answer for the domain's DS RRset (and its TTL), or why there is none. */
export type DsView =
  | { readonly server: string; readonly ok: true; readonly ds: DsRecord[]; readonly ttl?: number }
  | { readonly server: string; readonly ok: false; readonly problem: string };

export function describeDsView(v: DsView): string {
  if (!v.ok) return `${v.server}: ${v.problem}`;
  return `${v.server}: ${v.ds.length ? v.ds.map((d) => `DS ${shortDs(d)}`).join(', ') : 'no DS'}`;
}

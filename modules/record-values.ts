/**
 * DNS record sets as plain data: the types, the checks and the rendering into the strings
 * `aws_route53_record` expects. No cdktf import, so the YAML loader runs exactly the same checks
 * (with the same messages) as the `HostedZone` construct, before any construct exists.
 *
 * Route 53 details handled here, each a classic source of "it planned fine but apply failed"
 * or of a diff that never goes away:
 *  - record names are always rendered fully qualified: the AWS provider appends the zone name only
 *    when the name does not already END with it (a plain suffix test), so "myexample.com" in zone
 *    "example.com" would silently not be expanded;
 *  - TXT values: every character-string is at most 255 bytes, so longer values are split and the
 *    parts joined with `""` (the provider wraps the whole value in one pair of quotes, giving
 *    `"part1""part2"`, which is what the provider documents for DKIM keys); quotes and backslashes
 *    are escaped and bytes outside printable ASCII are written as \ddd octal escapes, the form
 *    Route 53 returns them in, so what we send equals what the provider reads back;
 *  - a resource record value is at most 4,000 characters (Route 53 API ResourceRecord.Value);
 *  - no CNAME at the apex, no CNAME next to another type, no duplicate values in one set.
 * @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html
 */
import { isIPv4, isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import * as E from './errors';

export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'CAA', 'SRV'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const CAA_TAGS = ['issue', 'issuewild', 'iodef'] as const;
export type CaaTag = (typeof CAA_TAGS)[number];

/** Route 53 accepts TTLs from 0 to 2^31-1 seconds. */
export const MIN_TTL = 0;
export const MAX_TTL = 2_147_483_647;
/** Five minutes: short enough to fix a mistake quickly, long enough to keep query costs down. */
export const DEFAULT_TTL = 300;
/** Route 53 API: ResourceRecord.Value has a maximum length of 4,000 characters. */
export const MAX_RECORD_VALUE_LENGTH = 4000;
/** RFC 1035 §3.3: a <character-string> carries at most 255 octets. */
export const TXT_CHUNK_BYTES = 255;

/** An MX target: lower priority is preferred. */
export interface MxValue {
  /** 0 to 65535; lower is preferred. */
  readonly priority: number;
  /** Mail server host name, fully qualified (e.g. mx1.example.net), or "." for a null MX (RFC 7505). */
  readonly host: string;
}

/** One CAA property. @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html#CAAFormat */
export interface CaaValue {
  /**
   * 0 (not critical) or 128 (critical: a CA that does not understand the tag must not issue).
   * @default 0
   */
  readonly flags?: number;
  /** issue, issuewild or iodef. */
  readonly tag: CaaTag;
  /** For issue/issuewild a CA domain (e.g. letsencrypt.org) or ";"; for iodef a mailto: or http(s) URL. */
  readonly value: string;
}

/** One SRV target (RFC 2782). */
export interface SrvValue {
  /** 0 to 65535; lower is preferred. */
  readonly priority: number;
  /** 0 to 65535; relative weight among targets of the same priority. */
  readonly weight: number;
  /** 0 to 65535. */
  readonly port: number;
  /** Target host name, fully qualified, or "." for "service not available here". */
  readonly target: string;
}

/** The target of an alias record. @see https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html */
export interface AliasTarget {
  /** DNS name of the target (a CloudFront distribution, a load balancer, another record in this zone, ...). */
  readonly dnsName: string;
  /**
   * Hosted zone id of the target (e.g. Z2FDTNDATAQYW2 for every CloudFront distribution).
   * @default - this zone: the alias points at another record of the same zone
   */
  readonly zoneId?: string;
  /**
   * Whether Route 53 checks the target's health.
   * @default false
   */
  readonly evaluateTargetHealth?: boolean;
}

interface RecordBase {
  /**
   * Name relative to the zone ("www", "_dmarc", "*.dev"), "@" (or "") for the apex, or a fully
   * qualified name inside the zone ("www.example.com" or "www.example.com.").
   */
  readonly name: string;
}

/** A record set of type `T` whose values are `V`s: what every record spec but an alias has. */
interface RecordSpecOf<T extends string, V> extends RecordBase {
  readonly type: T;
  readonly values: readonly V[];
  /** @default 300 */
  readonly ttl?: number;
}

/** A record set with literal values. */
export interface ValueRecordSpec extends RecordSpecOf<'A' | 'AAAA' | 'CNAME' | 'TXT', string> {
  /** The values; a CNAME takes exactly one. */
  readonly values: readonly string[];
}
/** An MX record set: each value a priority and a mail host. */
export interface MxRecordSpec extends RecordSpecOf<'MX', MxValue> {}
/** A CAA record set: each value flags, a tag and its value. */
export interface CaaRecordSpec extends RecordSpecOf<'CAA', CaaValue> {}
/** An SRV record set: each value a priority, a weight, a port and a target. */
export interface SrvRecordSpec extends RecordSpecOf<'SRV', SrvValue> {}
/** An alias A or AAAA record (Route 53 extension: answers with the target's addresses). */
export interface AliasRecordSpec extends RecordBase {
  readonly type: 'A' | 'AAAA';
  readonly alias: AliasTarget;
}

export type RecordSpec = ValueRecordSpec | MxRecordSpec | CaaRecordSpec | SrvRecordSpec | AliasRecordSpec;

export function isAliasSpec(spec: RecordSpec): spec is AliasRecordSpec {
  return (spec as AliasRecordSpec).alias !== undefined;
}

/** A problem found in a record, with the path below the record (e.g. ['values', 2]). */
export interface Problem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Lets the constructs skip values that are still unresolved tokens; the YAML loader has none. */
export type IsUnresolved = (value: unknown) => boolean;
const neverUnresolved: IsUnresolved = () => false;

/** What `aws_route53_record` needs for one record set. */
export interface RenderedRecord {
  readonly fqdn: string;
  readonly type: RecordType;
  readonly ttl?: number;
  readonly records?: string[];
  readonly alias?: { readonly name: string; readonly zoneId?: string; readonly evaluateTargetHealth: boolean };
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

// Record names may hold underscores (_dmarc, _sip._tcp, ACM's _x1.example.com) and a leading "*".
const RECORD_LABEL = /^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/;

type NameResult = { ok: true; value: string } | { ok: false; reason: string; outsideZone?: boolean };

function labelsToAscii(name: string, allowWildcard: boolean): NameResult {
  const labels = name.split('.');
  const out: string[] = [];
  for (let i = 0; i < labels.length; i++) {
    let label = labels[i]!;
    if (label === '') return { ok: false, reason: 'has an empty label (two dots in a row, or a leading dot)' };
    if (label === '*') {
      if (!allowWildcard || i !== 0) return { ok: false, reason: 'may only use "*" as its leftmost label' };
      out.push(label);
      continue;
    }
    if (!/^[\x21-\x7e]*$/.test(label)) {
      const ascii = domainToASCII(label);
      if (ascii === '' || ascii.includes('.')) return { ok: false, reason: `has a label "${label}" that is not a valid internationalised name` };
      label = ascii;
    }
    label = label.toLowerCase();
    if (label.length > 63) return { ok: false, reason: `has a label of ${label.length} characters; the limit is 63` };
    if (!RECORD_LABEL.test(label)) {
      return { ok: false, reason: `has an invalid label "${label}" (letters, digits, "_" and inner hyphens only)` };
    }
    out.push(label);
  }
  const value = out.join('.');
  if (value.length > 253) return { ok: false, reason: `is ${value.length} characters long once qualified; the limit is 253` };
  return { ok: true, value };
}

/**
 * The fully qualified, canonical name of a record in `zone` (itself canonical, as produced by
 * core/names.ts). Relative names get the zone appended; "@" and "" are the apex.
 */
export function resolveRecordName(name: string, zone: string): NameResult {
  if (typeof name !== 'string') return { ok: false, reason: 'must be a string' };
  let n = name.trim();
  if (n === '' || n === '@') return { ok: true, value: zone };
  if (/\s/.test(n)) return { ok: false, reason: 'contains white space' };
  let absolute = false;
  if (n.endsWith('.')) {
    absolute = true;
    n = n.slice(0, -1);
  }
  const checked = labelsToAscii(n, true);
  if (!checked.ok) return checked;
  const v = checked.value;
  if (v === zone || v.endsWith(`.${zone}`)) return { ok: true, value: v };
  if (absolute) return { ok: false, reason: 'is not inside the zone', outsideZone: true };
  return labelsToAscii(`${v}.${zone}`, true);
}

/**
 * A host name a record points at (CNAME, MX, SRV, alias target): fully qualified, canonical.
 * "." is returned as is where `allowRoot` (null MX, "no service" SRV).
 */
export function checkTargetName(value: unknown, allowRoot = false): NameResult {
  if (typeof value !== 'string') return { ok: false, reason: 'must be a string' };
  let n = value.trim();
  if (n === '.') return allowRoot ? { ok: true, value: '.' } : { ok: false, reason: 'is the root name "."' };
  if (n === '') return { ok: false, reason: 'is empty' };
  if (/\s/.test(n)) return { ok: false, reason: 'contains white space' };
  if (isIPv4(n) || isIPv6(n)) return { ok: false, reason: 'is an IP address; the target must be a host name' };
  if (n.endsWith('.')) n = n.slice(0, -1);
  const checked = labelsToAscii(n, false);
  if (!checked.ok) return checked;
  if (!checked.value.includes('.')) {
    return { ok: false, reason: 'must be a fully qualified host name (e.g. mail.example.com); relative names are not expanded' };
  }
  return checked;
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** Escape bytes for a quoted DNS character-string in Route 53's presentation format. */
function escapeCharacterString(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b >= 0x20 && b <= 0x7e) s += String.fromCharCode(b);
    else s += '\\' + b.toString(8).padStart(3, '0');
  }
  return s;
}

/**
 * A TXT value as `aws_route53_record` wants it: escaped, split into 255-byte character-strings
 * joined with `""` (the provider adds the outer quotes). Splitting happens on bytes before
 * escaping, so an escape sequence is never cut in half.
 */
export function renderTxtValue(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length === 0) return '';
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length; i += TXT_CHUNK_BYTES) {
    chunks.push(escapeCharacterString(bytes.subarray(i, i + TXT_CHUNK_BYTES)));
  }
  return chunks.join('""');
}

function quoteCaaValue(value: string): string {
  return `"${escapeCharacterString(Buffer.from(value, 'utf8'))}"`;
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

const ZONE_ID = /^(?:\/hostedzone\/)?[A-Z0-9]{1,32}$/;

function checkTtl(ttl: unknown, problems: Problem[], isUnresolved: IsUnresolved): void {
  if (ttl === undefined || isUnresolved(ttl)) return;
  if (!isInt(ttl, MIN_TTL, MAX_TTL)) problems.push({ path: ['ttl'], message: E.invalidTtl(ttl, MIN_TTL, MAX_TTL) });
}

/**
 * An MX or SRV value: its 0-65535 integer fields, then its host name (the root allowed). Returns
 * them rendered in that order, space-separated (undefined when one is bad or the host unresolved).
 */
function checkHostValue<V>(
  type: 'MX' | 'SRV',
  v: Partial<V>,
  numbers: readonly (keyof V & string)[],
  hostField: keyof V & string,
  path: (string | number)[],
  problems: Problem[],
  isUnresolved: IsUnresolved,
): string | undefined {
  let ok = true;
  for (const field of numbers) {
    if (!isUnresolved(v[field]) && !isInt(v[field], 0, 65535)) {
      problems.push({ path: [...path, field], message: E.invalidPriority(`${type} ${field}`, v[field]) });
      ok = false;
    }
  }
  if (isUnresolved(v[hostField])) return undefined;
  const host = checkTargetName(v[hostField], true);
  if (!host.ok) {
    problems.push({ path: [...path, hostField], message: E.invalidTargetHost(`${type} ${hostField}`, v[hostField], host.reason) });
    return undefined;
  }
  return ok ? [...numbers.map((field) => v[field]), host.value].join(' ') : undefined;
}

/** Check one value; returns the rendered value (undefined when it is bad or unresolved). */
function checkValue(
  type: RecordType,
  value: unknown,
  path: (string | number)[],
  problems: Problem[],
  isUnresolved: IsUnresolved,
): string | undefined {
  if (isUnresolved(value)) return undefined;
  switch (type) {
    case 'A':
      if (typeof value === 'string' && isIPv4(value.trim())) return value.trim();
      problems.push({ path, message: E.notIpv4(value) });
      return undefined;
    case 'AAAA':
      if (typeof value === 'string' && isIPv6(value.trim())) return value.trim().toLowerCase();
      problems.push({ path, message: E.notIpv6(value) });
      return undefined;
    case 'CNAME': {
      const r = checkTargetName(value);
      if (r.ok) return r.value;
      problems.push({ path, message: E.invalidTargetHost('CNAME target', value, r.reason) });
      return undefined;
    }
    case 'TXT': {
      if (typeof value !== 'string') {
        problems.push({ path, message: E.txtNotString(value) });
        return undefined;
      }
      const rendered = renderTxtValue(value);
      // +2: the provider wraps the value in one pair of quotes.
      if (rendered.length + 2 > MAX_RECORD_VALUE_LENGTH) {
        problems.push({ path, message: E.txtTooLong(rendered.length + 2, MAX_RECORD_VALUE_LENGTH) });
        return undefined;
      }
      return rendered;
    }
    case 'MX':
      return checkHostValue('MX', (value ?? {}) as Partial<MxValue>, ['priority'], 'host', path, problems, isUnresolved);
    case 'SRV':
      return checkHostValue('SRV', (value ?? {}) as Partial<SrvValue>, ['priority', 'weight', 'port'], 'target', path, problems, isUnresolved);
    case 'CAA': {
      const v = (value ?? {}) as Partial<CaaValue>;
      let ok = true;
      const flags = v.flags ?? 0;
      if (!isInt(flags, 0, 255)) {
        problems.push({ path: [...path, 'flags'], message: E.invalidCaaFlags(v.flags) });
        ok = false;
      }
      if (!(CAA_TAGS as readonly unknown[]).includes(v.tag)) {
        problems.push({ path: [...path, 'tag'], message: E.invalidCaaTag(v.tag, CAA_TAGS) });
        return undefined;
      }
      if (isUnresolved(v.value)) return undefined;
      const text = typeof v.value === 'string' ? v.value.trim() : undefined;
      if (v.tag === 'iodef') {
        if (text === undefined || !/^(?:mailto:\S+@\S+|https?:\/\/\S+)$/i.test(text)) {
          problems.push({ path: [...path, 'value'], message: E.invalidCaaIodef(v.value) });
          return undefined;
        }
      } else {
        const issuer = text?.split(';')[0]!.trim();
        const issuerOk = text !== undefined && (issuer === '' ? text.startsWith(';') : checkTargetName(issuer).ok);
        if (!issuerOk) {
          problems.push({ path: [...path, 'value'], message: E.invalidCaaIssuer(v.value) });
          return undefined;
        }
      }
      return ok ? `${flags} ${v.tag} ${quoteCaaValue(text!)}` : undefined;
    }
  }
}

/**
 * Check one record set and render it. Every problem is collected (nothing stops at the first),
 * with paths relative to the record. `zone` must be canonical (core/names.ts).
 */
export function checkRecord(
  spec: RecordSpec,
  zone: string,
  isUnresolved: IsUnresolved = neverUnresolved,
): { problems: Problem[]; rendered?: RenderedRecord; fqdn?: string } {
  const problems: Problem[] = [];
  const type = spec.type as unknown;
  if (!(RECORD_TYPES as readonly unknown[]).includes(type)) {
    problems.push({ path: ['type'], message: E.unknownRecordType(type, RECORD_TYPES) });
    return { problems };
  }
  const rtype = type as RecordType;

  let fqdn: string | undefined;
  if (isUnresolved(spec.name) || isUnresolved(zone)) {
    fqdn = spec.name;
  } else {
    const r = resolveRecordName(spec.name, zone);
    if (r.ok) fqdn = r.value;
    else if (r.outsideZone) problems.push({ path: ['name'], message: E.recordNameOutsideZone(spec.name, zone) });
    else problems.push({ path: ['name'], message: E.invalidRecordName(spec.name, r.reason) });
  }

  if (isAliasSpec(spec)) {
    const raw = spec as unknown as { values?: unknown; ttl?: unknown };
    if (raw.values !== undefined) problems.push({ path: ['values'], message: E.aliasAndValues() });
    if (raw.ttl !== undefined) problems.push({ path: ['ttl'], message: E.aliasWithTtl() });
    if (rtype !== 'A' && rtype !== 'AAAA') problems.push({ path: ['type'], message: E.aliasTypeNotSupported(rtype) });
    const a = spec.alias;
    let aliasName: string | undefined;
    if (isUnresolved(a.dnsName)) aliasName = a.dnsName;
    else if (a.zoneId === undefined && !isUnresolved(zone)) {
      // Same-zone alias: the target is a record of this zone, so relative names are fine.
      const r = resolveRecordName(a.dnsName, zone);
      if (r.ok) aliasName = r.value;
      else if (r.outsideZone) problems.push({ path: ['alias', 'dnsName'], message: E.recordNameOutsideZone(a.dnsName, zone) });
      else problems.push({ path: ['alias', 'dnsName'], message: E.invalidTargetHost('alias target', a.dnsName, r.reason) });
    } else {
      const r = checkTargetName(a.dnsName);
      if (r.ok) aliasName = r.value;
      else problems.push({ path: ['alias', 'dnsName'], message: E.invalidTargetHost('alias target', a.dnsName, r.reason) });
    }
    let zoneId = a.zoneId;
    if (zoneId !== undefined && !isUnresolved(zoneId)) {
      if (typeof zoneId !== 'string' || !ZONE_ID.test(zoneId.trim())) {
        problems.push({ path: ['alias', 'zoneId'], message: E.invalidAliasZoneId(zoneId) });
      } else {
        zoneId = zoneId.trim().replace(/^\/hostedzone\//, '');
      }
    }
    if (problems.length > 0 || fqdn === undefined || aliasName === undefined) return { problems, fqdn };
    return {
      problems,
      rendered: {
        fqdn,
        type: rtype,
        alias: { name: aliasName, zoneId, evaluateTargetHealth: a.evaluateTargetHealth ?? false },
      },
    };
  }

  checkTtl(spec.ttl, problems, isUnresolved);
  const values = (spec as { values?: unknown }).values;
  if (values === undefined) {
    problems.push({ path: ['values'], message: E.valuesMissing(rtype) });
    return { problems, fqdn };
  }
  if (isUnresolved(values)) {
    // A whole list token (e.g. another resource's IP list): pass it through unchecked.
    if (problems.length > 0 || fqdn === undefined) return { problems, fqdn };
    return { problems, rendered: { fqdn, type: rtype, ttl: spec.ttl ?? DEFAULT_TTL, records: values as string[] } };
  }
  if (!Array.isArray(values) || values.length === 0) {
    problems.push({ path: ['values'], message: E.emptyValues(rtype) });
    return { problems, fqdn };
  }
  if (rtype === 'CNAME' && values.length !== 1) problems.push({ path: ['values'], message: E.cnameSingleValue(values.length) });
  if (rtype === 'CNAME' && fqdn !== undefined && fqdn === zone) problems.push({ path: ['name'], message: E.cnameAtApex(zone) });
  if (rtype === 'SRV' && fqdn !== undefined && !isUnresolved(spec.name) && !/^_[^.]+\._[^.]+(\.|$)/.test(fqdn)) {
    problems.push({ path: ['name'], message: E.srvNameShape(spec.name === '' ? '@' : spec.name) });
  }

  const records: string[] = [];
  const seen = new Set<string>();
  values.forEach((value, i) => {
    const rendered = checkValue(rtype, value, ['values', i], problems, isUnresolved);
    if (rendered === undefined) {
      if (isUnresolved(value)) records.push(value as string);
      return;
    }
    if (seen.has(rendered)) problems.push({ path: ['values', i], message: E.duplicateValue(value) });
    seen.add(rendered);
    records.push(rendered);
  });
  if (problems.length > 0 || fqdn === undefined) return { problems, fqdn };
  return { problems, rendered: { fqdn, type: rtype, ttl: spec.ttl ?? DEFAULT_TTL, records } };
}

/**
 * Tracks the record sets of one zone to catch what only shows across records: two sets with the
 * same name and type, and a CNAME sharing its name with anything else.
 */
export class RecordSetRegistry {
  private readonly byName = new Map<string, Set<string>>();

  /** Problems adding `fqdn`/`type` would cause (does not add it). */
  conflicts(fqdn: string, type: string): string[] {
    const existing = this.byName.get(fqdn);
    if (!existing) return [];
    if (existing.has(type)) return [E.duplicateRecord(fqdn, type)];
    if (type === 'CNAME') return [E.cnameConflict(fqdn, [...existing][0]!)];
    if (existing.has('CNAME')) return [E.cnameConflict(fqdn, type)];
    return [];
  }

  add(fqdn: string, type: string): void {
    let set = this.byName.get(fqdn);
    if (!set) this.byName.set(fqdn, (set = new Set()));
    set.add(type);
  }
}

/**
 * Check a zone's whole list of records: each record, then duplicates and CNAME conflicts across
 * them. Paths are prefixed with the record's index.
 */
export function checkRecords(
  specs: readonly RecordSpec[],
  zone: string,
  isUnresolved: IsUnresolved = neverUnresolved,
): { problems: Problem[]; rendered: RenderedRecord[] } {
  const problems: Problem[] = [];
  const rendered: RenderedRecord[] = [];
  const registry = new RecordSetRegistry();
  specs.forEach((spec, i) => {
    const r = checkRecord(spec, zone, isUnresolved);
    for (const p of r.problems) problems.push({ path: [i, ...p.path], message: p.message });
    // Conflicts are checked even when the record has other problems, so they show up in the
    // same report.
    const fqdn = r.rendered?.fqdn ?? r.fqdn;
    if (fqdn !== undefined) {
      for (const message of registry.conflicts(fqdn, spec.type)) problems.push({ path: [i], message });
      registry.add(fqdn, spec.type);
    }
    if (r.rendered) rendered.push(r.rendered);
  });
  return { problems, rendered };
}

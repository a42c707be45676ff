/**
 * Domain-name and name-server normalisation, written once and shared by the config loader, the
 * constructs, the CLI and every registrar adapter. Registrars disagree on case, trailing dots and
 * order (DNSControl #3163, #3663, terraform-provider-aws #28430); comparing anything but the
 * output of these functions is how endless "update nameservers" diffs happen.
 */
import { domainToASCII } from 'node:url';
import { isIP } from 'node:net';

/** RFC 1035 limit on a name in presentation form without the trailing dot. */
export const MAX_DOMAIN_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;
/** Registries accept 2 to 13 name servers (13 is what fits a classic 512-byte referral). */
export const MIN_NAME_SERVERS = 2;
export const MAX_NAME_SERVERS = 13;

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export type NameCheck = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Normalise a host name: trim, lower-case, drop one trailing dot, convert IDN labels to punycode.
 * Returns the reason when the result is not a valid host name.
 * @param minLabels 2 for a registrable domain, 1 for any host name.
 */
export function checkHostName(input: string, minLabels = 2): NameCheck {
  if (typeof input !== 'string') return { ok: false, reason: 'is not a string' };
  let name = input.trim();
  if (name === '') return { ok: false, reason: 'is empty' };
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.endsWith('.')) return { ok: false, reason: 'ends with more than one dot' };
  if (/\s/.test(name)) return { ok: false, reason: 'contains white space' };
  if (isIP(name)) return { ok: false, reason: 'is an IP address, not a host name' };
  // Only ASCII labels go through as they are; anything else is an IDN that must be converted.
  const ascii = /^[\x21-\x7e]*$/.test(name) ? name.toLowerCase() : domainToASCII(name).toLowerCase();
  if (ascii === '') return { ok: false, reason: 'is not a valid internationalised domain name' };
  if (ascii.length > MAX_DOMAIN_LENGTH) {
    return { ok: false, reason: `is ${ascii.length} characters long; the limit is ${MAX_DOMAIN_LENGTH}` };
  }
  const labels = ascii.split('.');
  if (labels.length < minLabels) {
    return { ok: false, reason: `needs at least ${minLabels} labels (for example example.com)` };
  }
  for (const label of labels) {
    if (label === '') return { ok: false, reason: 'has an empty label (two dots in a row, or a leading dot)' };
    if (label.length > MAX_LABEL_LENGTH) {
      return { ok: false, reason: `has a label of ${label.length} characters ("${label.slice(0, 20)}..."); the limit is ${MAX_LABEL_LENGTH}` };
    }
    if (!LDH_LABEL.test(label)) {
      return { ok: false, reason: `has an invalid label "${label}" (letters, digits and inner hyphens only)` };
    }
    if (label.startsWith('xn--') && domainToASCII(label) === '') {
      return { ok: false, reason: `has an invalid punycode label "${label}"` };
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) {
    return { ok: false, reason: 'has an all-numeric top-level label' };
  }
  return { ok: true, value: ascii };
}

/** A registrable domain in canonical form (ASCII, lower case, no trailing dot). */
export function checkDomainName(input: string): NameCheck {
  return checkHostName(input, 2);
}

/** Canonical form of a domain name, or an Error naming the bad value. */
export function normalizeDomainName(input: string): string {
  const r = checkDomainName(input);
  if (!r.ok) throw new InvalidNameError(`domain name "${input}" ${r.reason}`);
  return r.value;
}

export class InvalidNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidNameError';
  }
}

/**
 * A name-server set in canonical form: each host normalised, duplicates removed, sorted.
 * Order is never meaningful for a delegation (registries store a set).
 * Throws InvalidNameError naming every bad entry, and when the count is outside 2..13.
 */
export function normalizeNameServers(input: readonly string[], opts: { checkCount?: boolean } = {}): string[] {
  const problems: string[] = [];
  const out = new Set<string>();
  for (const raw of input) {
    const r = checkHostName(raw, 2);
    if (r.ok) out.add(r.value);
    else problems.push(`name server "${raw}" ${r.reason}`);
  }
  if (problems.length > 0) throw new InvalidNameError(problems.join('; '));
  const result = [...out].sort();
  if (opts.checkCount !== false && (result.length < MIN_NAME_SERVERS || result.length > MAX_NAME_SERVERS)) {
    throw new InvalidNameError(
      `${result.length} distinct name server(s) given (${result.join(', ') || 'none'}); a delegation needs ${MIN_NAME_SERVERS} to ${MAX_NAME_SERVERS}`,
    );
  }
  return result;
}

/**
 * Lenient normalisation for what a registrar RETURNS: never throws, keeps whatever is there, so
 * that a registrar holding an odd value still shows up as a difference instead of a crash.
 */
export function canonicalNameServers(input: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of input) {
    if (typeof raw !== 'string') continue;
    const r = checkHostName(raw, 1);
    const v = r.ok ? r.value : raw.trim().toLowerCase().replace(/\.$/, '');
    if (v !== '') out.add(v);
  }
  return [...out].sort();
}

/** True when two name-server lists denote the same delegation (order, case, dots, duplicates ignored). */
export function sameNameServers(a: readonly string[], b: readonly string[]): boolean {
  const x = canonicalNameServers(a);
  const y = canonicalNameServers(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Split a CLI or config list: commas and/or white space. */
export function splitList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Domain-name and name-server normalisation, written once and shared by the config loader, the
 * constructs, the CLI and every registrar adapter. Registrars disagree on case, trailing dots and
 * order (DNSControl #3163, #3663, terraform-provider-aws #28430); comparing anything but the
 * output of these functions is how endless "update nameservers" diffs happen.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { isIP } from 'node:net';
import { quoteInput } from './quote';

/** RFC 1035 limit on a name in presentation form without the trailing dot. */
export const MAX_DOMAIN_LENGTH = 253;
export const MAX_LABEL_LENGTH = 63;
/** Registries accept 2 to 13 name servers (13 is what fits a classic 512-byte referral). */
export const MIN_NAME_SERVERS = 2;
export const MAX_NAME_SERVERS = 13;

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * `mapped`: UTS #46 changed the name on its way to ASCII beyond case and NFC (full-width letters
 * folded, a soft hyphen or other ignorable character dropped, an ideographic full stop read as a
 * dot): the caller says which name is actually used, so the change is never silent.
 */
export type NameCheck = { ok: true; value: string; mapped?: true } | { ok: false; reason: string };

/**
 * RFC 5891 4.2.3.1 (UTS #46 CheckHyphens) for a label that is or decodes to a U-label: no hyphen
 * first or last, none in both the third and fourth positions. WHATWG's domainToASCII, which Node
 * implements, runs with CheckHyphens off, so this is checked here before conversion.
 */
function uLabelHyphenProblem(label: string): string | undefined {
  if (label.startsWith('-') || label.endsWith('-')) return 'starts or ends with a hyphen';
  if (label.slice(2, 4) === '--') return 'has hyphens in the third and fourth positions (reserved for encodings such as xn--)';
  return undefined;
}

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
  const isAscii = /^[\x21-\x7e]*$/.test(name);
  let mapped = false;
  if (!isAscii) {
    const folded = name.normalize('NFC').toLowerCase();
    for (const label of folded.split('.')) {
      if (!/[^\x00-\x7f]/.test(label)) continue;
      const problem = uLabelHyphenProblem(label);
      if (problem) return { ok: false, reason: `has an internationalised label ${quoteInput(label)} that ${problem}` };
    }
  }
  const ascii = isAscii ? name.toLowerCase() : domainToASCII(name).toLowerCase();
  if (ascii === '') return { ok: false, reason: 'is not a valid internationalised domain name' };
  if (!isAscii) mapped = domainToUnicode(ascii) !== name.normalize('NFC').toLowerCase();
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
      return { ok: false, reason: `has a label of ${label.length} characters (${quoteInput(label, 20)}); the limit is ${MAX_LABEL_LENGTH}` };
    }
    if (!LDH_LABEL.test(label)) {
      return { ok: false, reason: `has an invalid label ${quoteInput(label)} (letters, digits and inner hyphens only)` };
    }
    if (label.startsWith('xn--')) {
      // An A-label must decode to a valid U-label and encode back to itself (RFC 5891 5.4).
      const unicode = domainToASCII(label) === '' ? '' : domainToUnicode(label);
      if (unicode === '' || unicode === label || domainToASCII(unicode) !== label) {
        return { ok: false, reason: `has an invalid punycode label ${quoteInput(label)}` };
      }
      const problem = uLabelHyphenProblem(unicode);
      if (problem) return { ok: false, reason: `has a punycode label ${quoteInput(label)} whose Unicode form ${quoteInput(unicode)} ${problem}` };
    }
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) {
    return { ok: false, reason: 'has an all-numeric top-level label' };
  }
  return mapped ? { ok: true, value: ascii, mapped: true } : { ok: true, value: ascii };
}

/** A registrable domain in canonical form (ASCII, lower case, no trailing dot). */
export function checkDomainName(input: string): NameCheck {
  return checkHostName(input, 2);
}

/** Canonical form of a domain name, or an Error naming the bad value. */
export function normalizeDomainName(input: string): string {
  const r = checkDomainName(input);
  if (!r.ok) throw new InvalidNameError(`domain name ${quoteInput(input)} ${r.reason}`);
  return r.value;
}

/**
 * What to tell the user when UTS #46 mapping changed a name silently (full-width letters, an
 * ignored soft hyphen): the name actually used, in both forms. Undefined when nothing changed.
 */
export function mappingNotice(input: string, what = 'domain name'): string | undefined {
  const r = checkHostName(input);
  if (!r.ok || !r.mapped) return undefined;
  return `${what} ${quoteInput(input)} was mapped by IDNA (UTS #46) to ${quoteInput(domainToUnicode(r.value))}; using ${r.value}`;
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
    else problems.push(`name server ${quoteInput(raw)} ${r.reason}`);
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

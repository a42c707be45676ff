/**
 * Property tests of the name and name-server normalisers (issue #11): any input is either refused
 * with a reason, or yields a valid A-label name that round-trips through Unicode and back, whose
 * U-labels keep the IDNA hyphen rules (RFC 5891 4.2.3.1), and that normalises to itself.
 */
import fc from 'fast-check';
import { domainToASCII, domainToUnicode } from 'node:url';
import { checkDomainName, checkHostName, InvalidNameError, MAX_DOMAIN_LENGTH, mappingNotice, normalizeNameServers } from '../../core/names';

/** Pieces that exercise every rule: hyphens, IDN letters, UTS #46 mapped and ignored characters, controls, dots. */
const PIECES = [
  'a', 'b', 'z', '0', '9', '-', '--', 'xn--', 'xn--bcher-kva', 'ü', 'ß', 'é', 'ñ', '💩', 'ｅ', 'Ａ', '\u00ad', '\u200d', '\u200b',
  '。', '．', '.', '.', '.', 'X', '_', ' ', '\r', '\u001b', '\u202e', 'com', 'net', 'de', '1',
];
const nameLike = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 14 }).map((p) => p.join(''));
/** Long names, around the 63-character label and 253-character name limits. */
const longName = fc
  .array(fc.constantFrom('a', 'abc', 'x'.repeat(30), 'y'.repeat(62), 'z'.repeat(64), 'ü'.repeat(20)), { minLength: 2, maxLength: 12 })
  .map((labels) => labels.join('.'));
const anyInput = fc.oneof(nameLike, nameLike.map((n) => `${n}.com`), longName, fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 20 }));

const LDH = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function assertValidALabelName(value: string, minLabels: number): void {
  expect(value.length).toBeLessThanOrEqual(MAX_DOMAIN_LENGTH);
  const labels = value.split('.');
  expect(labels.length).toBeGreaterThanOrEqual(minLabels);
  for (const label of labels) {
    expect(label).toMatch(LDH);
    expect(label.length).toBeLessThanOrEqual(63);
    if (label.startsWith('xn--')) {
      const u = domainToUnicode(label);
      // The A-label decodes and encodes back to itself.
      expect(domainToASCII(u)).toBe(label);
      // Its U-label keeps the hyphen rules.
      expect(u.startsWith('-') || u.endsWith('-')).toBe(false);
      expect(u.slice(2, 4)).not.toBe('--');
    }
  }
  // The whole name round-trips, and normalising it again changes nothing.
  expect(domainToASCII(domainToUnicode(value))).toBe(value);
  const again = checkHostName(value, minLabels);
  expect(again).toEqual({ ok: true, value });
}

describe('name normalisation properties', () => {
  test('a domain is refused with a reason, or is a valid A-label name that round-trips', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const r = checkDomainName(input);
        if (!r.ok) {
          expect(r.reason).toMatch(/\S/);
          return;
        }
        assertValidALabelName(r.value, 2);
      }),
      { numRuns: 400 },
    );
  });

  test('a name-server list is refused (InvalidNameError) or is 2 to 13 sorted, distinct, valid A-label names', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyInput, fc.constantFrom('ns1.example.net', 'NS2.Example.NET.', 'ns-1.awsdns-01.org')), { maxLength: 15 }), (list) => {
        let out: string[];
        try {
          out = normalizeNameServers(list);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidNameError);
          return;
        }
        expect(out.length).toBeGreaterThanOrEqual(2);
        expect(out.length).toBeLessThanOrEqual(13);
        expect([...out].sort()).toEqual(out);
        expect(new Set(out).size).toBe(out.length);
        for (const ns of out) assertValidALabelName(ns, 2);
      }),
      { numRuns: 200 },
    );
  });

  test('a name UTS #46 changed silently (full-width, soft hyphen, ideographic dot) gets a notice naming the name used', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const r = checkDomainName(input);
        const notice = mappingNotice(input);
        if (!r.ok || !r.mapped) {
          expect(notice).toBeUndefined();
          return;
        }
        expect(notice).toContain(`using ${r.value}`);
      }),
      { numRuns: 200 },
    );
  });
});

describe('IDN rules, by example', () => {
  test.each([
    ['-bücher.com', /"-bücher" that starts or ends with a hyphen/],
    ['bücher-.com', /starts or ends with a hyphen/],
    ['bü--cher.com', /third and fourth positions/],
    ['xn---bcher-4ya.com', /punycode label "xn---bcher-4ya" whose Unicode form "-bücher" starts or ends with a hyphen/],
    ['xn--abc.com', /invalid punycode label "xn--abc"/],
    ['ex\u200dample.com', /not a valid internationalised domain name/],
  ])('%s is refused', (input, reason) => {
    const r = checkDomainName(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });

  test.each([
    ['ｅｘａｍｐｌｅ.com', 'example.com'],
    ['ex\u00adample.com', 'example.com'],
    ['bücher。com', 'xn--bcher-kva.com'],
  ])('%s is mapped to %s, with a notice', (input, value) => {
    expect(checkDomainName(input)).toEqual({ ok: true, value, mapped: true });
    expect(mappingNotice(input)).toMatch(new RegExp(`using ${value.replace(/\./g, '\\.')}$`));
  });

  test('Bücher.com and e + combining acute are not "mapped": case and NFC are not worth a warning', () => {
    expect(checkDomainName('Bücher.com')).toEqual({ ok: true, value: 'xn--bcher-kva.com' });
    expect(checkDomainName('e\u0301xample.com')).toEqual({ ok: true, value: 'xn--xample-9ua.com' });
    expect(mappingNotice('Bücher.com')).toBeUndefined();
  });
});

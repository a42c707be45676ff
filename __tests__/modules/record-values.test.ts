import { atPath } from '../../modules/errors';
import {
  checkRecord,
  checkRecords,
  checkTargetName,
  RecordSpec,
  renderTxtValue,
  resolveRecordName,
  TXT_CHUNK_BYTES,
} from '../../modules/record-values';

const ZONE = 'example.com';

/** Problems of one record as "path: message" lines. */
const problemsOf = (spec: RecordSpec): string[] => checkRecord(spec, ZONE).problems.map((p) => atPath(p.path, p.message));

describe('record names', () => {
  test.each([
    ['@', 'example.com'],
    ['', 'example.com'],
    ['www', 'www.example.com'],
    ['WWW', 'www.example.com'],
    ['_dmarc', '_dmarc.example.com'],
    ['_sip._tcp', '_sip._tcp.example.com'],
    ['*', '*.example.com'],
    ['*.dev', '*.dev.example.com'],
    ['www.example.com', 'www.example.com'],
    ['www.example.com.', 'www.example.com'],
    ['example.com.', 'example.com'],
    ['bücher', 'xn--bcher-kva.example.com'],
    // Not ending in the zone name: relative, even with dots (the provider would not expand it).
    ['myexample.com', 'myexample.com.example.com'],
  ])('%j in example.com is %s', (name, fqdn) => {
    expect(resolveRecordName(name, ZONE)).toEqual({ ok: true, value: fqdn });
  });

  test.each([
    ['www.example.net.', 'is not inside the zone'],
    ['a..b', 'has an empty label (two dots in a row, or a leading dot)'],
    ['www.*', 'may only use "*" as its leftmost label'],
    ['-www', 'has an invalid label "-www" (letters, digits, "_" and inner hyphens only)'],
    ['w w', 'contains white space'],
    ['a'.repeat(64), 'has a label of 64 characters; the limit is 63'],
  ])('%j is rejected: %s', (name, reason) => {
    const r = resolveRecordName(name, ZONE);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason).toBe(reason);
  });

  test('a name longer than 253 characters once qualified is rejected', () => {
    const name = Array.from({ length: 4 }, () => 'a'.repeat(60)).join('.');
    // 4 × 60 + 3 dots + ".example.com" = 255
    expect(resolveRecordName(name, ZONE)).toEqual({ ok: false, reason: 'is 255 characters long once qualified; the limit is 253' });
  });

  test.each([
    ['mail.example.net.', true, 'mail.example.net'],
    ['.', true, '.'],
    ['.', false, undefined],
    ['localhost', false, undefined],
    ['192.0.2.1', false, undefined],
    ['_x1.acm-validations.aws', false, '_x1.acm-validations.aws'],
  ])('target %j (root allowed: %s) → %s', (name, allowRoot, expected) => {
    const r = checkTargetName(name, allowRoot);
    expect(r.ok ? r.value : undefined).toBe(expected);
  });
});

describe('TXT values', () => {
  test('a short value is passed as is (the provider adds the quotes)', () => {
    expect(renderTxtValue('v=spf1 -all')).toBe('v=spf1 -all');
  });

  test('a value longer than 255 bytes is split into 255-byte character-strings joined by ""', () => {
    const value = 'a'.repeat(255) + 'b'.repeat(255) + 'c';
    expect(renderTxtValue(value)).toBe(`${'a'.repeat(255)}""${'b'.repeat(255)}""c`);
  });

  test('exactly 255 bytes stays one string', () => {
    expect(renderTxtValue('x'.repeat(TXT_CHUNK_BYTES))).toBe('x'.repeat(255));
  });

  test('quotes and backslashes are escaped; non-ASCII bytes become octal escapes', () => {
    expect(renderTxtValue('say "hi" \\ ü')).toBe('say \\"hi\\" \\\\ \\303\\274');
  });

  test('splitting counts bytes before escaping, so an escape is never cut in half', () => {
    // 254 ASCII bytes then "ü" (2 bytes): the first string ends after the first byte of ü.
    expect(renderTxtValue('a'.repeat(254) + 'ü')).toBe(`${'a'.repeat(254)}\\303""\\274`);
  });

  test('a value that exceeds Route 53\'s 4,000 characters once rendered is an error', () => {
    // 3,990 bytes = 16 strings: 3,990 + 15 separators × 2 + the 2 outer quotes = 4,022
    expect(problemsOf({ type: 'TXT', name: 'big', values: ['x'.repeat(3990)] })).toEqual([
      'values[0]: TXT value is 4022 characters once quoted and split for Route 53; the limit per value is 4000',
    ]);
  });
});

describe('rendering', () => {
  test.each<[RecordSpec, string[]]>([
    [{ type: 'A', name: '@', values: [' 192.0.2.1 '] }, ['192.0.2.1']],
    [{ type: 'AAAA', name: '@', values: ['2001:DB8::1'] }, ['2001:db8::1']],
    [{ type: 'CNAME', name: 'www', values: ['Example.com.'] }, ['example.com']],
    [{ type: 'MX', name: '@', values: [{ priority: 10, host: 'mx1.example.net.' }, { priority: 20, host: 'mx2.example.net' }] }, ['10 mx1.example.net', '20 mx2.example.net']],
    [{ type: 'MX', name: '@', values: [{ priority: 0, host: '.' }] }, ['0 .']],
    [{ type: 'CAA', name: '@', values: [{ tag: 'issue', value: 'letsencrypt.org' }, { flags: 128, tag: 'iodef', value: 'mailto:sec@example.com' }] }, ['0 issue "letsencrypt.org"', '128 iodef "mailto:sec@example.com"']],
    [{ type: 'CAA', name: '@', values: [{ tag: 'issuewild', value: ';' }] }, ['0 issuewild ";"']],
    [{ type: 'SRV', name: '_sip._tcp', values: [{ priority: 10, weight: 5, port: 5060, target: 'sip.example.com' }] }, ['10 5 5060 sip.example.com']],
  ])('%j renders as %j', (spec, records) => {
    const r = checkRecord(spec, ZONE);
    expect(r.problems).toEqual([]);
    expect(r.rendered?.records).toEqual(records);
    expect(r.rendered?.ttl).toBe(300);
  });

  test('alias records carry no TTL; a same-zone alias resolves its target in the zone', () => {
    expect(checkRecord({ type: 'A', name: 'www', alias: { dnsName: '@' } }, ZONE).rendered).toEqual({
      fqdn: 'www.example.com',
      type: 'A',
      alias: { name: 'example.com', zoneId: undefined, evaluateTargetHealth: false },
    });
    expect(checkRecord({ type: 'AAAA', name: '@', alias: { dnsName: 'd1.cloudfront.net', zoneId: '/hostedzone/Z2FDTNDATAQYW2', evaluateTargetHealth: true } }, ZONE).rendered?.alias).toEqual({
      name: 'd1.cloudfront.net',
      zoneId: 'Z2FDTNDATAQYW2',
      evaluateTargetHealth: true,
    });
  });
});

describe('bad records', () => {
  test.each<[string, RecordSpec, string[]]>([
    ['IPv4', { type: 'A', name: 'a', values: ['192.0.2.1', '300.1.1.1', 'host'] }, ['values[1]: "300.1.1.1" is not an IPv4 address (dotted decimal, e.g. 192.0.2.10)', 'values[2]: "host" is not an IPv4 address (dotted decimal, e.g. 192.0.2.10)']],
    ['IPv6', { type: 'AAAA', name: 'a', values: ['192.0.2.1'] }, ['values[0]: "192.0.2.1" is not an IPv6 address (e.g. 2001:db8::10)']],
    ['empty values', { type: 'A', name: 'a', values: [] }, ['values: an A record needs at least one value']],
    ['duplicate value', { type: 'A', name: 'a', values: ['192.0.2.1', '192.0.2.1'] }, ['values[1]: value "192.0.2.1" is listed twice; Route 53 rejects duplicate values in one record']],
    ['TTL below 0', { type: 'A', name: 'a', values: ['192.0.2.1'], ttl: -1 }, ['ttl: ttl -1 must be a whole number of seconds from 0 to 2147483647']],
    ['TTL fraction', { type: 'A', name: 'a', values: ['192.0.2.1'], ttl: 1.5 }, ['ttl: ttl 1.5 must be a whole number of seconds from 0 to 2147483647']],
    ['TTL too big', { type: 'A', name: 'a', values: ['192.0.2.1'], ttl: 2 ** 31 }, ['ttl: ttl 2147483648 must be a whole number of seconds from 0 to 2147483647']],
    ['CNAME at apex', { type: 'CNAME', name: '@', values: ['www.example.net'] }, ['name: a CNAME record cannot be at the zone apex "example.com" (DNS forbids other data next to a CNAME, and the apex always has SOA and NS); use an alias A/AAAA record instead']],
    ['CNAME with two targets', { type: 'CNAME', name: 'www', values: ['a.example.net', 'b.example.net'] }, ['values: a CNAME record has exactly one target; got 2']],
    ['CNAME relative target', { type: 'CNAME', name: 'www', values: ['web'] }, ['values[0]: CNAME target "web" must be a fully qualified host name (e.g. mail.example.com); relative names are not expanded']],
    ['MX priority', { type: 'MX', name: '@', values: [{ priority: 70000, host: 'mx.example.net' }] }, ['values[0].priority: MX priority 70000 must be a whole number from 0 to 65535']],
    ['MX host', { type: 'MX', name: '@', values: [{ priority: 10, host: '192.0.2.1' }] }, ['values[0].host: MX host "192.0.2.1" is an IP address; the target must be a host name']],
    ['CAA tag', { type: 'CAA', name: '@', values: [{ tag: 'issuer' as 'issue', value: 'letsencrypt.org' }] }, ['values[0].tag: CAA tag "issuer" is not supported by Route 53; use one of issue, issuewild, iodef']],
    ['CAA flags', { type: 'CAA', name: '@', values: [{ flags: 256, tag: 'issue', value: 'letsencrypt.org' }] }, ['values[0].flags: CAA flags 256 must be a whole number from 0 to 255 (0 = not critical, 128 = critical)']],
    ['CAA iodef', { type: 'CAA', name: '@', values: [{ tag: 'iodef', value: 'security@example.com' }] }, ['values[0].value: CAA iodef value "security@example.com" must be a mailto:, http:// or https:// URL']],
    ['CAA issuer', { type: 'CAA', name: '@', values: [{ tag: 'issue', value: 'lets encrypt' }] }, ['values[0].value: CAA issue/issuewild value "lets encrypt" must be a CA domain name (e.g. letsencrypt.org), optionally followed by "; parameters", or ";" to forbid issuance']],
    ['SRV name', { type: 'SRV', name: 'sip', values: [{ priority: 1, weight: 1, port: 5060, target: 'sip.example.com' }] }, ['name: SRV record name "sip" must start with _service._protocol (e.g. _sip._tcp), RFC 2782']],
    ['SRV fields', { type: 'SRV', name: '_sip._udp', values: [{ priority: -1, weight: 1.5, port: 65536, target: 'sip.example.com' }] }, ['values[0].priority: SRV priority -1 must be a whole number from 0 to 65535', 'values[0].weight: SRV weight 1.5 must be a whole number from 0 to 65535', 'values[0].port: SRV port 65536 must be a whole number from 0 to 65535']],
    ['unknown type', { type: 'SPF' as 'A', name: '@', values: ['v=spf1 -all'] }, ['type: record type "SPF" is not supported; use one of A, AAAA, CNAME, MX, TXT, CAA, SRV']],
    ['name outside the zone', { type: 'A', name: 'www.example.net.', values: ['192.0.2.1'] }, ['name: record name "www.example.net." is not inside the zone "example.com"; use a name relative to the zone ("www", "@" for the apex) or a name ending in ".example.com"']],
    ['alias with ttl', { type: 'A', name: 'cdn', alias: { dnsName: 'd1.cloudfront.net', zoneId: 'Z2FDTNDATAQYW2' }, ttl: 60 } as RecordSpec, ['ttl: an alias record takes its TTL from the target; remove "ttl" (Route 53 rejects a TTL on an alias record)']],
    ['alias zone id', { type: 'A', name: 'cdn', alias: { dnsName: 'd1.cloudfront.net', zoneId: 'z-1' } }, ['alias.zoneId: alias zoneId "z-1" is not a Route 53 hosted zone id (letters and digits, e.g. Z2FDTNDATAQYW2)']],
    ['alias type', { type: 'TXT' as 'A', name: 'x', alias: { dnsName: 'd1.cloudfront.net', zoneId: 'Z2FDTNDATAQYW2' } }, ['type: alias records are supported here for A and AAAA only, not "TXT"']],
  ])('%s', (_title, spec, expected) => {
    expect(problemsOf(spec)).toEqual(expected);
  });

  test('unresolved values are not checked', () => {
    const token = '${TfToken[TOKEN.1]}';
    const r = checkRecord({ type: 'A', name: 'a', values: [token] }, ZONE, (v) => v === token);
    expect(r.problems).toEqual([]);
    expect(r.rendered?.records).toEqual([token]);
  });
});

describe('records across a zone', () => {
  test('two sets with the same name and type, and a CNAME next to other data, are reported with the index', () => {
    const { problems } = checkRecords(
      [
        { type: 'A', name: 'www', values: ['300.0.0.1'] }, // bad value, still counts for conflicts
        { type: 'CNAME', name: 'www.example.com.', values: ['example.net'] },
        { type: 'TXT', name: '@', values: ['a'] },
        { type: 'TXT', name: '', values: ['b'] },
      ],
      ZONE,
    );
    expect(problems.map((p) => atPath(p.path, p.message))).toEqual([
      '[0].values[0]: "300.0.0.1" is not an IPv4 address (dotted decimal, e.g. 192.0.2.10)',
      '[1]: a CNAME record at "www.example.com" cannot coexist with an A record of the same name; keep one of them',
      '[3]: there are two TXT records for "example.com"; put all values into one record (Route 53 keeps one record set per name and type)',
    ]);
  });
});

import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { GoDaddyEmulator, startEmulator } from '../../testing/registrars/godaddy/emulator';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';
import { formatDnskey, formatDs, recordFromDnskey } from '../../core/dnssec';
import { testDnskey } from '../../testing/dns/dnssec-keys';

describeRegistrarConformance({
  id: 'godaddy',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /UNABLE_TO_AUTHENTICATE.*GODADDY_API_KEY/,
});

describe('godaddy quirks', () => {
  let emu: GoDaddyEmulator;
  const env = (extra: Record<string, string> = {}) =>
    baseEnv({ ...emu.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_HTTP_RETRY_BASE: '20ms', ...extra });

  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: null });
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.accessDenied = false;
    emu.http.clearFaults();
    emu.http.resetLog();
    emu.addDomain('example.com', OLD_NS);
  });

  test('403 ACCESS_DENIED is explained (the 2024 API-access rule) and not retried', async () => {
    emu.accessDenied = true;
    const r = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ACCESS_DENIED/);
    expect(r.stderr).toMatch(/10 or more domains or a Discount Domain Club – Premier Membership plan \(the basic Discount Domain Club plan is not enough; developer\.godaddy\.com\/getstarted has the current terms\)/);
    expect(emu.http.requests).toHaveLength(1);
  });

  test('409 for a protected domain says why and changes nothing', async () => {
    emu.addDomain('example.com', OLD_NS, { protected: true });
    const r = await runCli(['set', '--registrar', 'godaddy', '--domain', 'example.com', '--ns', NEW_NS.join(',')], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/409 DOMAIN_NOT_ELIGIBLE.*2FA/);
    expect(emu.nameServersOf('example.com')).toEqual(OLD_NS);
  });

  test('a 429 retry hint in the body (retryAfterSec) is honoured', async () => {
    emu.http.inject({ kind: 'rateLimit', retryAfterSec: 2, times: 1 });
    const r = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com', '--json'], env());
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(1900);
  });

  test('a retry hint longer than NSBRIDGE_HTTP_MAX_RETRY_AFTER fails at once, naming the wait', async () => {
    emu.http.inject({ kind: 'rateLimit', retryAfterSec: 600, times: 1 });
    const r = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com'], env({ NSBRIDGE_HTTP_MAX_RETRY_AFTER: '30s' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rate limited \(HTTP 429, retry after 10m\); not retried: the wait is longer than NSBRIDGE_HTTP_MAX_RETRY_AFTER \(30s\)/);
    // It was not retried, so it must not claim it was.
    expect(r.stderr).not.toMatch(/after retries/);
    expect(emu.http.requests).toHaveLength(1);
    expect(r.ms).toBeLessThan(5000);
  });

  test('NSBRIDGE_GODADDY_SANDBOX selects OTE unless an endpoint override is given', async () => {
    // No override and the sandbox flag: the CLI must aim at api.ote-godaddy.com; with no network
    // here that is a network error naming nothing secret, never a call to production.
    const e = env({ NSBRIDGE_GODADDY_SANDBOX: 'yes', NSBRIDGE_HTTP_RETRIES: '0', NSBRIDGE_HTTP_TIMEOUT: '2s' });
    delete e.NSBRIDGE_GODADDY_ENDPOINT;
    const r = await runCli(['--verbose', 'get', '--registrar', 'godaddy', '--domain', 'example.com'], e);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('api.godaddy.com');
    const bad = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com'], env({ NSBRIDGE_GODADDY_SANDBOX: 'maybe' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NSBRIDGE_GODADDY_SANDBOX="maybe" is not a boolean/);
  });
});

describe('godaddy DNSSEC (v2 API) quirks', () => {
  let emu: GoDaddyEmulator;
  const env = (extra: Record<string, string | undefined> = {}) =>
    baseEnv({ ...emu.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_HTTP_RETRY_BASE: '20ms', ...extra });
  const ds = (args: string[], e = env()) => runCli(['ds', ...args, '--registrar', 'godaddy', '--domain', 'example.com'], e);
  const calls = () => emu.http.requests.map((q) => `${q.method} ${q.path} ${q.status}`);
  const v2 = () => `/v2/customers/${emu.customerId}/domains/example.com`;
  const keyA = testDnskey();
  const keyB = testDnskey();
  const recA = recordFromDnskey('example.com', keyA);
  const recB = recordFromDnskey('example.com', keyB);

  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: null });
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.actionMs = 80;
    emu.http.clearFaults();
    emu.http.resetLog();
    emu.addDomain('example.com', OLD_NS);
  });

  test('the records go out with the algorithm and digest type by NAME; the emulator refuses numbers with 422 and fields', async () => {
    const r = await ds(['set', '--dnskey', formatDnskey(keyA), '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/computed \(SHA-256\) from --dnskey/);
    expect(emu.rawDnssecRecordsOf('example.com')).toEqual([
      { algorithm: 'ECDSAP256SHA256', keyTag: recA.ds.keyTag, digestType: 'SHA256', digest: recA.ds.digest },
    ]);
    expect(emu.dnssecRecordsOf('example.com')).toEqual([{ ds: recA.ds }]);
    // What a client sending IANA numbers would get: the v2 envelope naming both fields.
    const res = await fetch(`${emu.url}${v2()}/dnssecRecords`, {
      method: 'PATCH',
      headers: { Authorization: `sso-key ${emu.key}:${emu.secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify([{ algorithm: 13, keyTag: recB.ds.keyTag, digestType: 2, digest: recB.ds.digest }]),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { code: string; fields: { path: string }[] };
    expect(body.code).toBe('INVALID_BODY');
    expect(body.fields.map((f) => f.path)).toEqual(['body[0].algorithm', 'body[0].digestType']);
    expect(emu.dnssecRecordsOf('example.com')).toEqual([{ ds: recA.ds }]);
  });

  test('ds get reads the v2 domain with includes=dnssecRecords and prints canonical DS records', async () => {
    emu.setDnssecRecords('example.com', [recA]);
    const r = await ds(['get', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ registrar: 'godaddy', domain: 'example.com', records: [{ ds: formatDs(recA.ds) }] });
    expect(calls()).toEqual([`GET ${v2()} 200`]);
  });

  test('a change is an action: nsbridge polls it until SUCCESS and only then reports; the records change only at SUCCESS', async () => {
    emu.actionMs = 400;
    const r = await ds(['set', '--ds', formatDs(recA.ds), '--json']);
    expect(r.code).toBe(0);
    expect(r.ms).toBeGreaterThanOrEqual(400);
    // Right after the CLI returns the emulator holds the record: it only does once the action succeeded.
    expect(emu.dnssecRecordsOf('example.com')).toEqual([{ ds: recA.ds }]);
    const polls = emu.http.requests.filter((q) => q.method === 'GET' && q.path === `${v2()}/actions/DNSSEC_CREATE`);
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(emu.actionsOf('example.com')).toEqual([{ type: 'DNSSEC_CREATE', status: 'SUCCESS', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, after: [{ ds: formatDs(recA.ds) }] });
  });

  test('a key roll adds the new DS (PATCH, DNSSEC_CREATE) before removing the old one (DELETE with a body, DNSSEC_DELETE)', async () => {
    emu.setDnssecRecords('example.com', [recA]);
    const r = await ds(['set', '--ds', formatDs(recB.ds)]);
    expect(r.code).toBe(0);
    const writes = emu.http.requests.filter((q) => q.method === 'PATCH' || q.method === 'DELETE').map((q) => `${q.method} ${q.status}`);
    expect(writes).toEqual(['PATCH 202', 'DELETE 202']);
    expect(emu.actionsOf('example.com').map((a) => `${a.type} ${a.status}`)).toEqual(['DNSSEC_CREATE SUCCESS', 'DNSSEC_DELETE SUCCESS']);
    expect(emu.dnssecRecordsOf('example.com')).toEqual([{ ds: recB.ds }]);

    const again = await ds(['set', '--ds', formatDs(recB.ds), '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false });
    const clear = await ds(['clear', '--json']);
    expect(clear.code).toBe(0);
    expect(emu.dnssecRecordsOf('example.com')).toEqual([]);
  });

  test('a FAILED action is exit 1 naming the domain, the action and GoDaddy\'s reason; nothing changed', async () => {
    emu.failNextAction('DNSSEC_CREATE', { code: 'DS_REJECTED', message: 'The registry rejected the DS record' });
    const r = await ds(['set', '--ds', formatDs(recA.ds)]);
    expect(r.code).toBe(1);
    const last = r.stderr.trim().split('\n').pop();
    expect(last).toMatch(/^nsbridge: godaddy: add DNSSEC records example\.com: action DNSSEC_CREATE ended FAILED: DS_REJECTED: The registry rejected the DS record: .*refused the DNSSEC change; nothing changed/);
    expect(emu.dnssecRecordsOf('example.com')).toEqual([]);
    for (const s of emu.secrets()) expect(r.stderr + r.stdout).not.toContain(s);
  });

  test('409 (another DNSSEC action processing): nsbridge waits for it, reads again and then sends its change', async () => {
    // Still running when the CLI sends its PATCH (however slow node starts), then 200 ms more.
    emu.startOtherAction('example.com', 'DNSSEC_DELETE', 200, { afterBlocking: true });
    const r = await ds(['set', '--ds', formatDs(recA.ds)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/godaddy: example\.com: another DNSSEC change is still processing \(409\); waiting/);
    const patches = emu.http.requests.filter((q) => q.method === 'PATCH').map((q) => q.status);
    expect(patches[0]).toBe(409);
    expect(patches[patches.length - 1]).toBe(202);
    expect(emu.dnssecRecordsOf('example.com')).toEqual([{ ds: recA.ds }]);
  });

  test('409 that outlasts NSBRIDGE_GODADDY_OPERATION_TIMEOUT fails with exit 1 and says what to do', async () => {
    emu.startOtherAction('example.com', 'DNSSEC_CREATE', 60_000);
    const r = await ds(['set', '--ds', formatDs(recA.ds)], env({ NSBRIDGE_GODADDY_OPERATION_TIMEOUT: '200ms' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/add DNSSEC records example\.com: HTTP 409 DUPLICATE_ACTION: There is already a similar action processing .*NSBRIDGE_GODADDY_OPERATION_TIMEOUT/);
    expect(r.ms).toBeLessThan(5_000);
  });

  test('an action still running at NSBRIDGE_GODADDY_OPERATION_TIMEOUT: exit 1, the change may still complete', async () => {
    emu.actionMs = 60_000;
    const r = await ds(['set', '--ds', formatDs(recA.ds)], env({ NSBRIDGE_GODADDY_OPERATION_TIMEOUT: '150ms' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/action DNSSEC_CREATE is still (ACCEPTED|PENDING) after .*may still complete/);
  });

  test('customerId: the customer number is looked up once (GET /v1/shoppers/{n}?includes=customerId)', async () => {
    emu.setDnssecRecords('example.com', [recA]);
    const r = await ds(['set', '--ds', formatDs(recB.ds)], env({ NSBRIDGE_GODADDY_CUSTOMER_ID: emu.shopperId }));
    expect(r.code).toBe(0);
    expect(emu.http.requests.filter((q) => q.path.startsWith('/v1/shoppers/')).map((q) => `${q.path} ${q.status}`)).toEqual([`/v1/shoppers/${emu.shopperId} 200`]);
    expect(emu.dnssecRecordsOf('example.com')).toEqual([{ ds: recB.ds }]);
  });

  test('customerId: a reseller\'s NSBRIDGE_GODADDY_SHOPPER_ID is resolved when the setting is absent', async () => {
    const r = await ds(['get', '--json'], env({ NSBRIDGE_GODADDY_CUSTOMER_ID: undefined, NSBRIDGE_GODADDY_SHOPPER_ID: emu.shopperId }));
    expect(r.code).toBe(0);
    expect(calls()).toEqual([`GET /v1/shoppers/${emu.shopperId} 200`, `GET ${v2()} 200`]);
  });

  test('customerId missing: ds is exit 2 naming the setting, nothing sent; name servers still work without it', async () => {
    const e = env();
    delete e.NSBRIDGE_GODADDY_CUSTOMER_ID;
    const r = await ds(['get'], e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/godaddy: get DNSSEC records example\.com: .*needs the account's customer id: set NSBRIDGE_GODADDY_CUSTOMER_ID/);
    expect(emu.http.requests).toHaveLength(0);
    const ns = await runCli(['get', '--registrar', 'godaddy', '--domain', 'example.com', '--json'], e);
    expect(ns.code).toBe(0);
    expect(calls()).toEqual(['GET /v1/domains/example.com 200']);
  });

  test('customerId malformed is exit 2; a wrong number or UUID is exit 1 naming NSBRIDGE_GODADDY_CUSTOMER_ID', async () => {
    const bad = await ds(['get'], env({ NSBRIDGE_GODADDY_CUSTOMER_ID: 'cust-42' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NSBRIDGE_GODADDY_CUSTOMER_ID="cust-42" is neither a GoDaddy customer id \(a UUID/);
    expect(emu.http.requests).toHaveLength(0);

    const number = await ds(['get'], env({ NSBRIDGE_GODADDY_CUSTOMER_ID: '999999' }));
    expect(number.code).toBe(1);
    expect(number.stderr).toMatch(/customer number 999999 is not the account of GODADDY_API_KEY; set NSBRIDGE_GODADDY_CUSTOMER_ID/);

    const uuid = await ds(['get'], env({ NSBRIDGE_GODADDY_CUSTOMER_ID: '00000000-0000-4000-8000-000000000000' }));
    expect(uuid.code).toBe(1);
    expect(uuid.stderr).toMatch(/403 ACCESS_DENIED.*NSBRIDGE_GODADDY_CUSTOMER_ID is not the customer id/);
  });
});

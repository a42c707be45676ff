import { createHash } from 'node:crypto';
import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { EasynameEmulator, startEmulator } from '../../testing/registrars/easyname/emulator';
import { runCli } from '../../testing/registrars/run-cli';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { authenticationHeader, changeSignature } from '../../registrar-adapters/easyname/signing';

describeRegistrarConformance({
  id: 'easyname',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  authErrorPattern: /easyname answered error 10001: Authentication failed: easyname refused the request; check EASYNAME_USERID/,
});

describe('easyname quirks', () => {
  const setup = useEmulatorForQuirks('easyname', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}, e?: EasynameEmulator) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra }, e);
  const get = (e = env(), domain = 'example.com') => runCli(['get', '--registrar', 'easyname', '--domain', domain, '--json'], e);
  const set = (ns: string[], e = env(), domain = 'example.com') =>
    runCli(['set', '--registrar', 'easyname', '--domain', domain, '--ns', ns.join(','), '--json'], e);

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().changes.length = 0;
    emu().completeAfterReads = 1;
    emu().addDomain('example.com', OLD_NS);
  });

  test('hashes follow the documented algorithm: base64 of the MD5 hex, salt inserted at ceil(len/2)', () => {
    const md5hex64 = (s: string) => Buffer.from(createHash('md5').update(s).digest('hex')).toString('base64');
    // "ns1.a.netns2.a.net1700000000" is 28 characters: the salt goes after the 14th.
    expect(changeSignature(['ns1.a.net', 'ns2.a.net'], 1700000000, 'SALT')).toBe(md5hex64('ns1.a.netns2.aSALT.net1700000000'));
    // An odd length (29): the first part is the longer one (15 characters).
    expect(changeSignature(['ns1.a.net', 'ns22.a.net'], 1700000000, 'SALT')).toBe(md5hex64('ns1.a.netns22.aSALT.net1700000000'));
    expect(authenticationHeader('x%sy%sz', '42', 'a@b.c')).toBe(md5hex64('x42ya@b.cz'));
  });

  test('the endpoint override keeps the real paths; the change is signed and the emulator verifies it', async () => {
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    const id = emu().store.get('example.com')!.id;
    expect(emu().http.requests.map((q) => `${q.method} ${q.path}`).slice(0, 3)).toEqual(['GET /domain', 'GET /domain', `POST /domain/${id}/nameserverchange`]);
    const body = emu().changes[0]!.body as { data: Record<string, string>; timestamp: number; signature: string };
    const sorted = [...NEW_NS].sort();
    expect(body.data).toEqual(Object.fromEntries(sorted.map((ns, i) => [`nameserver${i + 1}`, ns])));
    expect(Math.abs(body.timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(body.signature).toBe(emu().expectedSignature(sorted, body.timestamp));
  });

  test('a wrong signing salt is refused by easyname (inside HTTP 200): exit 1, nothing changed', async () => {
    const r = await set(NEW_NS, env({ EASYNAME_SIGNSALT: 'not-the-SALT-SENTINEL' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nsbridge: easyname: set name servers example\.com: easyname answered error 10002: Invalid signature: easyname refused the change/);
    expect(emu().http.requests.every((q) => q.status === 200)).toBe(true);
    expect(emu().nameServersOf('example.com')).toEqual(OLD_NS);
    expect(r.stderr).not.toContain('not-the-SALT-SENTINEL');
  });

  test('bad credentials: an error inside HTTP 200, read as an error, not retried', async () => {
    const r = await get(env({ EASYNAME_EMAIL: 'someone-else@example.net' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/get name servers example\.com: easyname answered error 10001: Authentication failed/);
    expect(emu().http.requests).toHaveLength(1);
    expect(emu().http.requests[0]!.status).toBe(200);
  });

  test('"pending" is read back until the new set shows, with progress on stderr', async () => {
    emu().completeAfterReads = 3;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/nsbridge: easyname: example\.com: easyname says the change is pending; waiting for the name servers to show it/);
    // get, lookup before the POST, then three reads until the change showed.
    expect(emu().http.requests.filter((q) => q.path === '/domain')).toHaveLength(5);
    expect([...emu().nameServersOf('example.com')!].sort()).toEqual([...NEW_NS].sort());
  });

  test('still pending at the timeout: exit 1 saying it is pending and what to check', async () => {
    emu().completeAfterReads = 10_000;
    const r = await set(NEW_NS, env({ NSBRIDGE_EASYNAME_OPERATION_TIMEOUT: '300ms', NSBRIDGE_EASYNAME_POLL_INTERVAL: '50ms' }));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      /^nsbridge: easyname: wait for operation example\.com: easyname accepted the change as pending, but after \S+ the domain still reads ns1\.old-dns\.net, ns2\.old-dns\.net: the change is pending, not done: check later with `nsbridge get --registrar easyname --domain example\.com`/,
    );
  });

  test('"success" (a synchronous answer) is done at once', async () => {
    emu().completeAfterReads = 0;
    const r = await set(NEW_NS);
    expect(r.code).toBe(0);
    expect(emu().http.requests.filter((q) => q.path === '/domain')).toHaveLength(2);
  });

  test('more than 6 name servers: exit 2, nothing written', async () => {
    const seven = Array.from({ length: 7 }, (_, i) => `ns${i}.example.net`);
    const r = await set(seven);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/easyname takes at most 6 name servers, 7 were given; nothing was changed/);
    expect(emu().http.writes()).toBe(0);
  });

  test('an authentication salt without two %s, or a non-numeric user id: exit 2, zero requests, the salt never shown', async () => {
    const salt = await get(env({ EASYNAME_AUTHSALT: 'one-%s-only-SENTINEL' }));
    expect(salt.code).toBe(2);
    expect(salt.stderr).toMatch(/EASYNAME_AUTHSALT must contain exactly two %s/);
    expect(salt.stderr).not.toContain('one-%s-only-SENTINEL');
    const user = await get(env({ EASYNAME_USERID: 'ops' }));
    expect(user.code).toBe(2);
    expect(user.stderr).toMatch(/EASYNAME_USERID="ops" must be the numeric user id/);
    expect(emu().http.requests).toHaveLength(0);
  });

  test('--verbose on a failing call shows no secret, nor the derived authentication header', async () => {
    const r = await runCli(['--verbose', 'set', '--registrar', 'easyname', '--domain', 'example.com', '--ns', 'ns1.bad.invalid,ns2.bad.invalid'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/easyname: -> POST \/domain\/\d+\/nameserverchange/);
    for (const secret of emu().secrets()) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });
});

import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRegistrarConformance, NEW_NS, OLD_NS } from '../../testing/registrars/conformance';
import { startEmulator } from '../../testing/registrars/route53domains/emulator';
import { baseEnv, CliResult, modulesRequiredBy, runCli } from '../../testing/registrars/run-cli';
import { toRegistrarError } from '../../registrar-adapters/route53domains/errors';
import { BoundedRetryStrategy } from '../../registrar-adapters/route53domains/sdk';
import { RegistrarNetworkError, RegistrarValidationError, UsageError } from '../../core/errors';
import { info as r53info } from '../../registrar-adapters/route53domains/info';
import { dsFromDnskey, keyTagOf, recordFromDnskey } from '../../core/dnssec';
import { EnvExtra, useEmulatorForQuirks } from '../../testing/registrars/quirk-setup';
import { testDnskey } from '../../testing/dns/dnssec-keys';

/*
 * The shared suite, as it is. Notes on how it applies here:
 *  - requestsPerRead: 1. A read is one GetDomainDetail; credentials are resolved locally before it
 *    and the operation polling happens only after a write, which the scenarios that count requests
 *    per read (persistent 5xx, bad credentials) never reach. So the strictest bound holds.
 *  - "missing credential" scenarios: the suite generates one per non-optional entry of
 *    info.credentials; route53domains has none (the AWS credential chain has many sources), so the
 *    suite runs none for it. The same contract (exit 2, naming the variables, nothing sent) is
 *    tested below with the whole chain empty, and with half of a static key pair.
 *  - "a rate-limit answer is waited out": Route 53 Domains throttles with 400 ThrottlingException
 *    and (as far as is known) no retry hint, so the emulator sends none; the >= 900 ms the suite
 *    expects comes from the adapter's throttling floor (the SDK's 1 s throttling base, without its
 *    full jitter), not from a hint.
 */
describeRegistrarConformance({
  id: 'route53domains',
  start: ({ rateLimit }) => startEmulator({ rateLimit }),
  requestsPerRead: 1,
  authErrorPattern: /InvalidSignatureException.*AWS_SECRET_ACCESS_KEY/,
});

const domain = 'example.com';

describe('route53domains quirks', () => {
  const setup = useEmulatorForQuirks('route53domains', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const env = (extra: EnvExtra = {}) => setup.env({ NSBRIDGE_HTTP_TIMEOUT: '5s', ...extra });
  const get = (e = env(), d = domain) => runCli(['get', '--registrar', 'route53domains', '--domain', d, '--json'], e);
  const set = (ns: readonly string[], e = env(), d = domain) =>
    runCli(['set', '--registrar', 'route53domains', '--domain', d, '--ns', ns.join(','), '--json'], e);
  const opsCalled = (op: string) => emu().calls.filter((c) => c.op === op);
  const lastLine = (r: CliResult) => r.stderr.trim().split('\n').pop() ?? '';

  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().calls.length = 0;
    emu().operationPlan = {};
    emu().unknownHosts = 'request';
    emu().deny.clear();
    emu().addDomain(domain, OLD_NS);
  });

  describe('region pin', () => {
    test('the CLI signs for us-east-1 whatever AWS_REGION and AWS_DEFAULT_REGION say', async () => {
      const r = await get(env({ AWS_REGION: 'eu-west-3', AWS_DEFAULT_REGION: 'ap-south-1' }));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // The emulator verifies the credential scope: an accepted call was signed for us-east-1.
      expect(opsCalled('GetDomainDetail')).toHaveLength(1);
    });

    test('control: the emulator refuses a signature scoped to another region', async () => {
      // The real SDK, in-process, deliberately NOT pinned: proves the emulator checks the scope.
      const { Route53DomainsClient, GetDomainDetailCommand } = await import('@aws-sdk/client-route-53-domains');
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const client = new Route53DomainsClient({
        region: 'eu-west-3',
        endpoint: emu().url,
        credentials: { accessKeyId: emu().accessKeyId, secretAccessKey: emu().secretAccessKey },
        maxAttempts: 1,
      });
      await expect(client.send(new GetDomainDetailCommand({ DomainName: domain }))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        message: expect.stringMatching(/scoped to a valid region, not 'eu-west-3'/),
      });
      client.destroy();
    });
  });

  describe('operation polling', () => {
    test('in progress for a few polls, then SUCCESSFUL: exit 0, progress on stderr, no glue sent', async () => {
      emu().operationPlan = { pendingPolls: 3 };
      const r = await set(NEW_NS);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ changed: true, after: [...NEW_NS].sort() });
      expect(opsCalled('UpdateDomainNameservers')).toHaveLength(1);
      expect(opsCalled('GetOperationDetail')).toHaveLength(4);
      expect(r.stderr).toMatch(/route53domains: example\.com: operation [0-9a-f-]+ is SUBMITTED; checking again in /);
      expect(emu().nameServersOf(domain)).toEqual([...NEW_NS].sort());
      // Out-of-bailiwick hosts: only the name travels, never GlueIps.
      expect(opsCalled('UpdateDomainNameservers')[0]!.input).toEqual({
        DomainName: domain,
        Nameservers: [...NEW_NS].sort().map((Name) => ({ Name })),
      });
    });

    test.each(['ERROR', 'FAILED'] as const)('an operation that ends %s: exit 1 with its message, nothing changed', async (outcome) => {
      emu().operationPlan = { pendingPolls: 1, outcome, message: 'Registry rejected the request: nameserver check failed' };
      const r = await set(NEW_NS);
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(
        new RegExp(`^nsbridge: route53domains: set name servers example\\.com: operation [0-9a-f-]+ ended ${outcome}: Registry rejected the request: nameserver check failed: .*run again`),
      );
      expect(emu().nameServersOf(domain)).toEqual(OLD_NS);
    });

    test('an operation that never ends: exit 1 after NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT, saying how to check it', async () => {
      emu().operationPlan = { pendingPolls: Infinity };
      const r = await set(NEW_NS, env({ NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT: '1s', NSBRIDGE_ROUTE53DOMAINS_POLL_INTERVAL: '100ms' }));
      expect(r.code).toBe(1);
      const id = opsCalled('GetOperationDetail')[0]!.input.OperationId as string;
      expect(lastLine(r)).toMatch(/^nsbridge: route53domains: wait for operation example\.com: operation .* is still IN_PROGRESS after 1(\.\d)?s: /);
      expect(lastLine(r)).toContain(`aws route53domains get-operation-detail --region us-east-1 --operation-id ${id}`);
      expect(lastLine(r)).toContain('NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT');
      // Bounded: a second of polling with growing waits, not a poll storm and not a hang.
      expect(r.ms).toBeLessThan(20_000);
      const polls = opsCalled('GetOperationDetail').length;
      expect(polls).toBeGreaterThanOrEqual(2);
      expect(polls).toBeLessThanOrEqual(12);
      expect(emu().nameServersOf(domain)).toEqual(OLD_NS);
    });

    test('a PENDING_* status flag says that a person must act', async () => {
      emu().operationPlan = { pendingPolls: 2, statusFlag: 'PENDING_CUSTOMER_ACTION' };
      const ok = await set(NEW_NS);
      expect(ok.code).toBe(0);
      expect(ok.stderr).toMatch(/PENDING_CUSTOMER_ACTION: the registrant must act/);
      expect(ok.stderr.match(/PENDING_CUSTOMER_ACTION/g)).toHaveLength(1); // said once, not per poll

      emu().addDomain(domain, OLD_NS);
      emu().operationPlan = { pendingPolls: Infinity, statusFlag: 'PENDING_AUTHORIZATION' };
      const stuck = await set(NEW_NS, env({ NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT: '300ms' }));
      expect(stuck.code).toBe(1);
      expect(lastLine(stuck)).toMatch(/still (SUBMITTED|IN_PROGRESS) after .*PENDING_AUTHORIZATION: .*email/);
    });

    test('bad operation settings are usage errors, nothing sent', async () => {
      const r = await set(NEW_NS, env({ NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT: 'ten minutes' }));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/NSBRIDGE_ROUTE53DOMAINS_OPERATION_TIMEOUT: duration "ten minutes" is not valid/);
      expect(emu().http.requests).toHaveLength(0);
    });
  });

  describe('errors', () => {
    test('a domain not in the account is InvalidInput (not 404) and is explained', async () => {
      const r = await get(env(), 'not-mine.com');
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(/^nsbridge: route53domains: get name servers not-mine\.com: HTTP 400 InvalidInput: .*not registered with Route 53 Domains in this AWS account/);
      expect(emu().http.requests).toHaveLength(1); // a 400 is final
    });

    test('a signature failure is not retried, and AWS\'s canonical request is not echoed', async () => {
      const r = await get(env({ AWS_SECRET_ACCESS_KEY: 'wrong-secret-SENTINEL-0000' }));
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(/HTTP 403 InvalidSignatureException: The request signature we calculated does not match.*AWS_SECRET_ACCESS_KEY/);
      expect(r.stderr).not.toMatch(/Canonical String|String-to-Sign|AWS4-HMAC-SHA256/);
      expect(emu().http.requests).toHaveLength(1);
    });

    test('an unknown access key is UnrecognizedClientException, not retried', async () => {
      const r = await get(env({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN000000000' }));
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(/HTTP 403 UnrecognizedClientException: .*AWS does not know this access key.*AWS_ACCESS_KEY_ID or AWS_PROFILE/);
      expect(emu().http.requests).toHaveLength(1);
    });

    test('temporary credentials: the session token is sent and never shown', async () => {
      const token = 'session-token-SENTINEL-77aa';
      emu().addKey('ASIANSBRIDGEEMU00002', { secretAccessKey: 'tmp-secret-SENTINEL-88bb', sessionToken: token });
      const e = env({ AWS_ACCESS_KEY_ID: 'ASIANSBRIDGEEMU00002', AWS_SECRET_ACCESS_KEY: 'tmp-secret-SENTINEL-88bb', AWS_SESSION_TOKEN: token });
      expect((await get(e)).code).toBe(0);
      const bad = await runCli(['--verbose', 'get', '--registrar', 'route53domains', '--domain', domain], { ...e, AWS_SECRET_ACCESS_KEY: 'wrong-secret-SENTINEL-0000' });
      expect(bad.code).toBe(1);
      for (const s of [token, 'tmp-secret-SENTINEL-88bb', 'wrong-secret-SENTINEL-0000']) expect(bad.stderr + bad.stdout).not.toContain(s);
    });

    test('an IAM denial names the missing permission and the region', async () => {
      emu().deny.add('UpdateDomainNameservers');
      const r = await set(NEW_NS);
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(/^nsbridge: route53domains: set name servers example\.com: HTTP 400 AccessDeniedException: .*allow route53domains:UpdateDomainNameservers .*us-east-1/);
      expect(emu().nameServersOf(domain)).toEqual(OLD_NS);
    });

    test('name servers inside the domain need glue, which nsbridge does not send: refused and explained', async () => {
      const r = await set(['ns1.example.com', 'ns2.example.com']);
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(/set name servers example\.com: HTTP 400 InvalidInput: .*ns1\.example\.com, ns2\.example\.com are inside example\.com and would need glue IPs, which nsbridge does not send/);
    });

    test('unknown hosts refused later by the registry: the FAILED operation is reported', async () => {
      emu().unknownHosts = 'operation';
      const r = await set(['ns1.unregistered.invalid', 'ns2.unregistered.invalid']);
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(/set name servers example\.com: operation [0-9a-f-]+ ended FAILED: The registry rejected the name servers: host ns1\.unregistered\.invalid does not exist/);
      expect(emu().nameServersOf(domain)).toEqual(OLD_NS);
    });

    test('persistent throttling: bounded retries with >= 1 s waits, then exit 1 saying rate limited', async () => {
      emu().http.inject({ kind: 'rateLimit', times: Infinity });
      const r = await get(env({ NSBRIDGE_HTTP_RETRIES: '1' }));
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(/get name servers example\.com: HTTP 400 ThrottlingException: Rate exceeded \(still rate limited after 2 attempts\): .*terraform -parallelism/);
      expect(emu().http.requests).toHaveLength(2);
      expect(r.ms).toBeGreaterThanOrEqual(950);
      expect(r.stderr).toMatch(/route53domains: HTTP 400 ThrottlingException; retrying \(1\/1\)/);
    });
  });

  test('NSBRIDGE_HTTP_TIMEOUT bounds every attempt: a silent API fails in bounded time, saying so', async () => {
    emu().http.inject({ kind: 'slow', delayMs: 3_000, times: Infinity });
    const r = await get(env({ NSBRIDGE_HTTP_TIMEOUT: '300ms', NSBRIDGE_HTTP_RETRIES: '1' }));
    expect(r.code).toBe(1);
    expect(lastLine(r)).toMatch(/get name servers example\.com: no complete answer within 300ms \(NSBRIDGE_HTTP_TIMEOUT, per try, body included\) \(after 2 attempts\)/);
    expect(r.ms).toBeLessThan(2_900);
  });

  describe('a change already in progress (DuplicateRequest)', () => {
    test('the same set in flight (e.g. our own retried write): wait for it and succeed', async () => {
      emu().startOperation(domain, NEW_NS, { pendingPolls: 2 });
      const r = await set(NEW_NS);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/a name-server change is already in progress \(operation [0-9a-f-]+\); waiting for it/);
      expect(emu().operationsOf(domain)).toHaveLength(1);
      expect(emu().nameServersOf(domain)).toEqual(NEW_NS);
    });

    test('a different set in flight: exit 1, never overwritten silently', async () => {
      emu().startOperation(domain, ['ns1.someone-else.net', 'ns2.someone-else.net'], { pendingPolls: 1 });
      const r = await set(NEW_NS);
      expect(r.code).toBe(1);
      expect(lastLine(r)).toMatch(/set name servers example\.com: another name-server change \(operation .*\) was in progress and set ns1\.someone-else\.net, ns2\.someone-else\.net: .*run nsbridge set again/);
      expect(emu().operationsOf(domain)).toHaveLength(1);
    });
  });

  describe('credentials: the standard AWS chain, resolved before anything is sent', () => {
    let home: string;
    beforeAll(() => {
      home = mkdtempSync(join(tmpdir(), 'nsbridge-r53-home-'));
    });
    afterAll(() => rmSync(home, { recursive: true, force: true }));
    const noCredentials = (extra: Record<string, string | undefined> = {}) =>
      env({
        HOME: home,
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        // No instance metadata service here: skip its connection attempt (it would only cost time).
        AWS_EC2_METADATA_DISABLED: 'true',
        ...extra,
      });
    const strip = (e: NodeJS.ProcessEnv) => {
      for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
      return e;
    };

    test('none anywhere in the chain: exit 2 naming AWS_ACCESS_KEY_ID and AWS_PROFILE, nothing sent', async () => {
      const r = await set(NEW_NS, strip(noCredentials()));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/route53domains: no usable AWS credentials .*set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY .*or AWS_PROFILE/);
      expect(emu().http.requests).toHaveLength(0);
    });

    test('half a static key pair: exit 2 naming the missing half, nothing sent', async () => {
      const r = await set(NEW_NS, strip(noCredentials({ AWS_ACCESS_KEY_ID: emu().accessKeyId })));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not/);
      expect(emu().http.requests).toHaveLength(0);
    });

    test('both a profile and static keys: the SDK\'s warning comes out as one nsbridge line', async () => {
      const file = join(home, 'credentials');
      writeFileSync(file, `[nsbridge-test]\naws_access_key_id = ${emu().accessKeyId}\naws_secret_access_key = ${emu().secretAccessKey}\n`);
      const r = await get(strip(noCredentials({ AWS_PROFILE: 'nsbridge-test', AWS_SHARED_CREDENTIALS_FILE: file, AWS_ACCESS_KEY_ID: emu().accessKeyId, AWS_SECRET_ACCESS_KEY: emu().secretAccessKey })));
      expect(r.code).toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^nsbridge: route53domains: AWS SDK: .*Multiple credential sources detected/);
    });

    test('a named profile works (AWS_PROFILE), and a missing one is exit 2', async () => {
      const file = join(home, 'credentials');
      writeFileSync(file, `[nsbridge-test]\naws_access_key_id = ${emu().accessKeyId}\naws_secret_access_key = ${emu().secretAccessKey}\n`);
      const ok = await get(strip(noCredentials({ AWS_PROFILE: 'nsbridge-test', AWS_SHARED_CREDENTIALS_FILE: file })));
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      const missing = await get(strip(noCredentials({ AWS_PROFILE: 'no-such-profile', AWS_SHARED_CREDENTIALS_FILE: file })));
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/no usable AWS credentials/);
      expect(emu().http.requests).toHaveLength(1);
    });
  });

  test('the shared rate limiter is on by default, keyed by account, and its file holds no credential', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nsbridge-r53-limit-'));
    try {
      const r = await get(env({ NSBRIDGE_RATE_LIMIT_ROUTE53DOMAINS: undefined, NSBRIDGE_RATE_LIMIT_DIR: dir }));
      expect(r.code).toBe(0);
      const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^route53domains-[0-9a-f]{16}\.json$/);
      const text = files[0] + readFileSync(join(dir, files[0]!), 'utf8');
      for (const s of [emu().accessKeyId, emu().secretAccessKey]) expect(text).not.toContain(s);
      // NSBRIDGE_RATE_LIMIT_ROUTE53DOMAINS reads as in core/http.ts: a window, a list of them, or off.
      expect((await get(env({ NSBRIDGE_RATE_LIMIT_ROUTE53DOMAINS: '5/s,100/min', NSBRIDGE_RATE_LIMIT_DIR: dir }))).code).toBe(0);
      emu().http.resetLog();
      const bad = await get(env({ NSBRIDGE_RATE_LIMIT_ROUTE53DOMAINS: 'lots', NSBRIDGE_RATE_LIMIT_DIR: dir }));
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/NSBRIDGE_RATE_LIMIT_ROUTE53DOMAINS: rate limit "lots"/);
      expect(emu().http.requests).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bad AWS_ENDPOINT_URL_ROUTE_53_DOMAINS is a usage error, nothing sent', async () => {
    const r = await get(env({ AWS_ENDPOINT_URL_ROUTE_53_DOMAINS: 'not a url' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/AWS_ENDPOINT_URL_ROUTE_53_DOMAINS="not a url" is not a URL/);
    expect(emu().http.requests).toHaveLength(0);
  });

  describe('lazy SDK loading', () => {
    test('source: the adapter module does not load the SDK; createClient does', async () => {
      let loaded = 0;
      await jest.isolateModulesAsync(async () => {
        jest.doMock('@aws-sdk/client-route-53-domains', () => {
          loaded += 1;
          return jest.requireActual('@aws-sdk/client-route-53-domains');
        });
        const { adapter } = require('../../registrar-adapters/route53domains/adapter');
        require('../../registrar-adapters/catalog');
        expect(loaded).toBe(0);
        const client = await adapter.createClient({ env: { ...emu().env() }, log: () => {}, debug: () => {} });
        expect(loaded).toBe(1);
        expect(typeof client.getNameServers).toBe('function');
      });
    });

    test('bundle: --help and other registrars never evaluate the SDK; route53domains does', async () => {
      // node:https is required only by the SDK (its HTTP handler, from its ES module build); axios asks for "https".
      const help = await modulesRequiredBy(['--help'], env());
      expect(help.code).toBe(0);
      expect(help.ids).not.toContain('node:https');
      const other = await modulesRequiredBy(['get', '--registrar', 'cloudflare', '--domain', domain], baseEnv());
      expect(other.code).toBe(1);
      expect(other.ids).not.toContain('node:https');
      const mine = await modulesRequiredBy(['get', '--registrar', 'route53domains', '--domain', domain], env());
      expect(mine.code).toBe(0);
      expect(mine.ids).toContain('node:https');
    });
  });
});

describe('route53domains internals', () => {
  const call = { registrar: 'route53domains', operation: 'get name servers', domain };

  test('error messages keep only the first line of AWS\'s message (no canonical request, no token)', () => {
    const err = Object.assign(new Error('The request signature we calculated does not match.\n\nThe Canonical String ...\nx-amz-security-token:TOKEN-SENTINEL\n'), {
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
    });
    const mapped = toRegistrarError(err, call);
    expect(mapped.message).not.toMatch(/\n|TOKEN-SENTINEL|Canonical/);
    expect(mapped.exitCode).toBe(1);
  });

  test('no answer at all is a network error; an unreadable 200 is an API error', () => {
    const refused = toRegistrarError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: {} }), call);
    expect(refused).toBeInstanceOf(RegistrarNetworkError);
    expect(refused.message).toMatch(/connection refused: check network access to route53domains\.us-east-1\.amazonaws\.com/);
    const lostWrite = toRegistrarError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: { attempts: 5 } }), { ...call, operation: 'set name servers' });
    expect(lostWrite.message).toMatch(/connection reset by the server \(after 5 attempts\): .*the write may have landed before the failure; run the same command again/);
    const garbled = toRegistrarError(Object.assign(new SyntaxError('Unexpected end of JSON input'), { $metadata: { httpStatusCode: 200 } }), call);
    expect(garbled.message).toMatch(/HTTP 200 with an answer that is not valid AWS JSON/);
    expect(toRegistrarError(new UsageError('x'), call)).toBeInstanceOf(UsageError);
    const refusedNs = toRegistrarError(Object.assign(new Error('bad'), { name: 'InvalidInput', $metadata: { httpStatusCode: 400 } }), { ...call, operation: 'set name servers' });
    expect(refusedNs).toBeInstanceOf(RegistrarValidationError);
  });

  test('retry strategy: bounded, never retries client errors, throttling waits >= 1 s, long hints fail at once', async () => {
    const logs: string[] = [];
    const s = new BoundedRetryStrategy({ timeoutMs: 1000, retries: 2, retryBaseMs: 10, maxRetryAfterMs: 5_000 }, (m) => logs.push(m));
    const t0 = await s.acquireInitialRetryToken('');
    await expect(s.refreshRetryTokenForRetry(t0, { errorType: 'CLIENT_ERROR' })).rejects.toThrow();
    await expect(s.refreshRetryTokenForRetry(t0, { errorType: 'SERVER_ERROR' })).rejects.toThrow();
    const t1 = await s.refreshRetryTokenForRetry(t0, { errorType: 'TRANSIENT', error: { $metadata: { httpStatusCode: 503 }, name: 'ServiceUnavailable' } });
    expect(t1.getRetryDelay()).toBeLessThan(100);
    const t2 = await s.refreshRetryTokenForRetry(t1, { errorType: 'THROTTLING' });
    expect(t2.getRetryDelay()).toBeGreaterThanOrEqual(2_000); // second retry: 1 s doubled
    await expect(s.refreshRetryTokenForRetry(t2, { errorType: 'TRANSIENT' })).rejects.toThrow(); // 2 retries max
    await expect(s.refreshRetryTokenForRetry(t0, { errorType: 'THROTTLING', retryAfterHint: new Date(Date.now() + 60_000) })).rejects.toThrow();
    expect(logs[0]).toBe('route53domains: HTTP 503 ServiceUnavailable; retrying (1/2)');
  });
});

/** SHA-256 / HMAC-SHA-256 in the shape SignatureV4 wants, from node:crypto. */
class NodeSha256 {
  private readonly h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: string | Uint8Array) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret));
  }
  update(data: string | Uint8Array): void {
    this.h.update(typeof data === 'string' ? data : Buffer.from(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {}
}

describe('route53domains DNSSEC (adapter against the emulator)', () => {
  const setup = useEmulatorForQuirks('route53domains', () => startEmulator({ rateLimit: null }));
  const { emu } = setup;
  const logs: string[] = [];
  const client = (extra: EnvExtra = {}) => setup.dnssec(extra, (m) => logs.push(m));
  const opsCalled = (op: string) => emu().calls.filter((c) => c.op === op);
  const AWS_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'] as const;
  const savedEnv: Record<string, string | undefined> = {};

  beforeAll(() => {
    // In-process, the SDK's credential chain reads process.env (the CLI's child gets it as its env).
    for (const name of AWS_VARS) {
      savedEnv[name] = process.env[name];
      process.env[name] = emu().env()[name];
    }
  });
  afterAll(async () => {
    for (const name of AWS_VARS) {
      if (savedEnv[name] === undefined) delete process.env[name];
      else process.env[name] = savedEnv[name];
    }
  });
  beforeEach(() => {
    emu().http.clearFaults();
    emu().http.resetLog();
    emu().calls.length = 0;
    emu().operationPlan = {};
    emu().maxDnssecKeys = 4;
    emu().dnssecUnsupportedTlds.clear();
    logs.length = 0;
    emu().addDomain(domain, OLD_NS);
  });

  test('info: a DNSKEY registrar with the dnssec capability and asynchronous operations', () => {
    expect(r53info.dnssecInput).toBe('dnskey');
    expect(r53info.capabilities.dnssec.supported).toBe(true);
  });

  test('add sends SigningAttributes{Algorithm, Flags, PublicKey} as numbers and waits for the ADD_DNSSEC operation; the key exists only once it succeeded', async () => {
    const key = testDnskey();
    emu().operationPlan = { pendingPolls: 2 };
    let heldWhilePending: number | undefined;
    emu().onDnssecChange = () => (heldWhilePending ??= opsCalled('GetOperationDetail').length);
    const dnssec = await client();
    await dnssec.addDnssecRecords(domain, [recordFromDnskey(domain, key)]);
    emu().onDnssecChange = undefined;
    expect(opsCalled('AssociateDelegationSignerToDomain').map((c) => c.input)).toEqual([
      { DomainName: domain, SigningAttributes: { Algorithm: 13, Flags: 257, PublicKey: key.publicKey } },
    ]);
    // Two polls in progress, the third SUCCESSFUL: the change landed at the third poll, not before.
    expect(opsCalled('GetOperationDetail')).toHaveLength(3);
    expect(heldWhilePending).toBe(3);
    expect(emu().operationsOf(domain).map((o) => `${o.type} ${o.status}`)).toEqual(['ADD_DNSSEC SUCCESSFUL']);
    const got = await dnssec.getDnssecRecords(domain);
    expect(got).toEqual([{ ds: dsFromDnskey(domain, key), dnskey: key, registrarId: expect.any(String) }]);
    expect(got[0]!.ds.keyTag).toBe(keyTagOf(key));
  });

  test('a failed ADD_DNSSEC operation is reported with the domain, the operation id and AWS\'s message; nothing is held', async () => {
    emu().operationPlan = { pendingPolls: 1, outcome: 'FAILED', message: 'The registry refused the DS record' };
    const err = await (await client()).addDnssecRecords(domain, [recordFromDnskey(domain, testDnskey())]).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'RegistrarApiError', domain });
    expect((err as Error).message).toMatch(/^route53domains: add DNSSEC record example\.com: operation [0-9a-f-]+ ended FAILED: The registry refused the DS record: .*DNSSEC/);
    expect(emu().dnssecRecordsOf(domain)).toEqual([]);
  });

  test('remove disassociates by the DnssecKey Id and waits for the REMOVE_DNSSEC operation', async () => {
    const [a, b] = [testDnskey(), testDnskey()];
    emu().setDnssecRecords(domain, [recordFromDnskey(domain, a), recordFromDnskey(domain, b)]);
    const dnssec = await client();
    const held = await dnssec.getDnssecRecords(domain);
    emu().operationPlan = { pendingPolls: 1 };
    await dnssec.removeDnssecRecords(domain, [held[0]!]);
    expect(opsCalled('DisassociateDelegationSignerFromDomain').map((c) => c.input)).toEqual([{ DomainName: domain, Id: held[0]!.registrarId }]);
    expect(emu().operationsOf(domain).map((o) => `${o.type} ${o.status}`)).toEqual(['REMOVE_DNSSEC SUCCESSFUL']);
    expect(emu().dnssecRecordsOf(domain)!.map((r) => r.dnskey)).toEqual([b]);
    // Already gone (e.g. a retried call): InvalidInput for the Id, the re-read shows it gone, no error.
    await dnssec.removeDnssecRecords(domain, [held[0]!]);
    expect(emu().dnssecRecordsOf(domain)!.map((r) => r.dnskey)).toEqual([b]);
  });

  test('the emulator deserialises strictly: a string Algorithm is SerializationException, flags 385 and a bad key are InvalidInput', async () => {
    const { Route53DomainsClient, AssociateDelegationSignerToDomainCommand } = await import('@aws-sdk/client-route-53-domains');
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const sdk = new Route53DomainsClient({
      region: 'us-east-1',
      endpoint: emu().url,
      credentials: { accessKeyId: emu().accessKeyId, secretAccessKey: emu().secretAccessKey },
      maxAttempts: 1,
    });
    const key = testDnskey();
    const send = (attrs: Record<string, unknown>) =>
      sdk.send(new AssociateDelegationSignerToDomainCommand({ DomainName: domain, SigningAttributes: attrs as never })).then(
        () => 'accepted',
        (e: Error) => `${e.name}: ${e.message}`,
      );
    try {
      expect(await send({ Algorithm: 13, Flags: 385, PublicKey: key.publicKey })).toMatch(/^InvalidInput: Invalid flags 385/);
      expect(await send({ Algorithm: 99, Flags: 257, PublicKey: key.publicKey })).toMatch(/^InvalidInput: Invalid algorithm 99/);
      expect(await send({ Algorithm: 13, Flags: 257, PublicKey: '!!!!' })).toMatch(/^InvalidInput: .*base64/);
      expect(await send({ Algorithm: 13, Flags: 257 })).toMatch(/^InvalidInput: .*publicKey/);
      expect(emu().operationsOf(domain)).toEqual([]);
    } finally {
      sdk.destroy();
    }
    // The SDK may coerce a string to a number, so the type check is proven on the wire, signed.
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const signer = new SignatureV4({ service: 'route53domains', region: 'us-east-1', sha256: NodeSha256 as never, credentials: { accessKeyId: emu().accessKeyId, secretAccessKey: emu().secretAccessKey } });
    const url = new URL(emu().url);
    const body = JSON.stringify({ DomainName: domain, SigningAttributes: { Algorithm: '13', Flags: 257, PublicKey: key.publicKey } });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Route53Domains_v20140515.AssociateDelegationSignerToDomain' },
      body,
    });
    const res = await fetch(`${emu().url}/`, { method: 'POST', headers: signed.headers as Record<string, string>, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'SerializationException', message: expect.stringMatching(/STRING_VALUE can not be converted to an Integer/) });
    expect(emu().operationsOf(domain)).toEqual([]);
  });

  test('a DS without its DNSKEY is refused before anything is sent', async () => {
    const dnssec = await client();
    await expect(dnssec.addDnssecRecords(domain, [recordFromDnskey(domain, testDnskey()), { ds: dsFromDnskey(domain, testDnskey()) }])).rejects.toMatchObject({
      name: 'RegistrarValidationError',
      message: expect.stringMatching(/^route53domains: add DNSSEC record example\.com: a DS record without its DNSKEY: .*DNSKEY/),
    });
    expect(emu().calls).toHaveLength(0);
  });

  test('DnssecLimitExceeded says to remove an old key first; TLDRulesViolation says the TLD takes no DS', async () => {
    emu().maxDnssecKeys = 1;
    emu().setDnssecRecords(domain, [recordFromDnskey(domain, testDnskey())]);
    const dnssec = await client();
    await expect(dnssec.addDnssecRecords(domain, [recordFromDnskey(domain, testDnskey())])).rejects.toMatchObject({
      name: 'RegistrarValidationError',
      message: expect.stringMatching(/^route53domains: add DNSSEC record example\.com: HTTP 400 DnssecLimitExceeded: .*remove an old key first/),
    });
    emu().dnssecUnsupportedTlds.add('com');
    await expect(dnssec.removeDnssecRecords(domain, await dnssec.getDnssecRecords(domain))).rejects.toMatchObject({
      name: 'RegistrarValidationError',
      message: expect.stringMatching(/^route53domains: remove DNSSEC record example\.com: HTTP 400 TLDRulesViolation: .*does not take DS records/),
    });
    expect(emu().dnssecRecordsOf(domain)).toHaveLength(1);
  });

  test('DuplicateRequest (a change in progress for the domain): nsbridge waits for it, then submits its own', async () => {
    const inFlight = emu().startOperation(domain, NEW_NS, { pendingPolls: 2 });
    const key = testDnskey();
    await (await client()).addDnssecRecords(domain, [recordFromDnskey(domain, key)]);
    expect(logs.join('\n')).toContain(`another change is in progress (operation ${inFlight}); waiting for it first`);
    expect(opsCalled('AssociateDelegationSignerToDomain')).toHaveLength(2);
    expect(emu().operationsOf(domain).map((o) => `${o.type} ${o.status}`)).toEqual(['UPDATE_NAMESERVER SUCCESSFUL', 'ADD_DNSSEC SUCCESSFUL']);
    expect(emu().dnssecRecordsOf(domain)!.map((r) => r.dnskey)).toEqual([key]);
  });

  test('a domain that is not in the account: InvalidInput read as not found, naming the operation', async () => {
    await expect((await client()).getDnssecRecords('other.example')).rejects.toMatchObject({
      name: 'DomainNotFoundError',
      message: expect.stringMatching(/^route53domains: get DNSSEC records other\.example: HTTP 400 InvalidInput: .*not registered with Route 53 Domains in this AWS account/),
    });
  });
});

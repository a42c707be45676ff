/*
 * Cloudflare Registrar cannot delegate a domain to other name servers at all
 * (https://developers.cloudflare.com/registrar/faq/), so there is no API to emulate and the shared conformance suite does not apply: every one of
 * its scenarios assumes a registrar that reads and writes name servers. What nsbridge owes the user
 * instead is a clear refusal, tested here through the CLI: exit 1, one line naming the registrar,
 * operation and domain, the reason and what to do (transfer out, or delegate a subdomain), no
 * credentials needed, and nothing sent anywhere.
 */
import { NEW_NS } from '../../testing/registrars/conformance';
import { baseEnv, modulesRequiredBy, runCli } from '../../testing/registrars/run-cli';
import { info, LINK } from '../../registrar-adapters/cloudflare/info';

const refusal = (operation: string, domain: string) =>
  new RegExp(
    `^nsbridge: cloudflare: ${operation} ${domain.replace(/\./g, '\\.')}: Cloudflare Registrar only allows Cloudflare's own name servers.*: ` +
      `to delegate ${domain.replace(/\./g, '\\.')} to Route 53, transfer it to another registrar first.*subdomain.*${LINK.replace(/[.?*+^$[\]\\(){}|/-]/g, '\\$&')}\\n$`,
  );

describe('cloudflare (refuses: Cloudflare Registrar only allows its own name servers)', () => {
  test('get: exit 1 with the reason, the way out and the link, no credentials needed', async () => {
    const r = await runCli(['get', '--registrar', 'cloudflare', '--domain', 'example.com', '--json'], baseEnv());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(refusal('get name servers', 'example.com'));
  });

  test('set: exit 1 the same way, also with --dry-run; IDN domains are named in punycode', async () => {
    const r = await runCli(['set', '--registrar', 'cloudflare', '--domain', 'Bücher.com', '--ns', NEW_NS.join(',')], baseEnv());
    expect(r.code).toBe(1);
    // The CLI reads first, so the refusal comes from the read; it explains the write as well.
    expect(r.stderr).toMatch(refusal('get name servers', 'xn--bcher-kva.com'));
    const dry = await runCli(['set', '--registrar', 'cloudflare', '--domain', 'example.com', '--ns', NEW_NS.join(','), '--dry-run'], baseEnv());
    expect(dry.code).toBe(1);
    expect(dry.stderr).toMatch(/transfer it to another registrar/);
  });

  test('bad input is still exit 2 (checked before the registrar is even looked at)', async () => {
    const r = await runCli(['set', '--registrar', 'cloudflare', '--domain', 'example.com', '--ns', 'ns1.example.net'], baseEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/1 distinct name server/);
  });

  test('nothing is sent: no HTTP module is even loaded', async () => {
    const r = await modulesRequiredBy(['set', '--registrar', 'cloudflare', '--domain', 'example.com', '--ns', NEW_NS.join(',')], baseEnv());
    expect(r.code).toBe(1);
    for (const m of ['http', 'https', 'http2', 'node:http', 'node:https', 'node:http2']) expect(r.ids).not.toContain(m);
  });

  test('capabilities say why, as data (for `nsbridge registrars` and the README table)', async () => {
    expect(info.credentials).toEqual([]);
    for (const cap of [info.capabilities.readNameServers, info.capabilities.setNameServers]) {
      expect(cap.supported).toBe(false);
      if (!cap.supported) expect(cap.link).toBe(LINK);
    }
    const r = await runCli(['registrars'], baseEnv());
    expect(r.stdout).toMatch(/cloudflare\s+Cloudflare Registrar\n\s+set name servers: no: Cloudflare Registrar only allows Cloudflare's own name servers/);
  });
});

/**
 * GoDaddy's batched read (GET /v1/domains?includes=nameServers, paged by marker): the name servers
 * of every domain of the account in ceil(n / 1000) requests, against the emulator.
 */
import { adapter } from '../../registrar-adapters/godaddy/adapter';
import { GoDaddyEmulator, startEmulator } from '../../testing/registrars/godaddy/emulator';

describe('godaddy batch: listNameServers', () => {
  let emu: GoDaddyEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ rateLimit: null });
  });
  afterAll(() => emu.close());

  const client = () =>
    adapter.createClient({ env: { ...emu.env(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off', NSBRIDGE_HTTP_RETRY_BASE: '10ms' }, log: () => undefined, debug: () => undefined });

  test('1,500 domains in two requests (pages of 1,000, the second after the marker)', async () => {
    for (let i = 0; i < 1500; i++) emu.addDomain(`d${String(i).padStart(4, '0')}.com`, [`ns1.d${i}.net`, `NS2.D${i}.NET.`]);
    emu.http.resetLog();
    const c = await client();
    const all = await c.batch!.listNameServers();
    expect(all.size).toBe(1500);
    expect(all.get('d0042.com')).toEqual(['ns1.d42.net', 'NS2.D42.NET.']);
    expect(all.get('d1499.com')).toEqual(['ns1.d1499.net', 'NS2.D1499.NET.']);
    expect(emu.http.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v1/domains 200', 'GET /v1/domains 200']);
  });

  test('bad credentials: the listing fails with the registrar\'s error, not an empty list', async () => {
    const c = await adapter.createClient({ env: { ...emu.badCredentialsEnv(), NSBRIDGE_RATE_LIMIT_GODADDY: 'off' }, log: () => undefined, debug: () => undefined });
    await expect(c.batch!.listNameServers()).rejects.toThrow(/UNABLE_TO_AUTHENTICATE/);
  });
});

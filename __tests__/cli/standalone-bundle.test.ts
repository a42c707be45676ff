/**
 * The CLI bundle runs where Terraform runs it: copied into cdktf.out/stacks/<stack>/assets, with no
 * node_modules anywhere above it. Every package an adapter loads (the AWS SDK included) must come
 * from the bundle itself.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BUNDLE = join(__dirname, '..', '..', 'dist', 'nsbridge.js');

describe('the CLI bundle alone, with no node_modules', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nsbridge-standalone-'));
    copyFileSync(BUNDLE, join(dir, 'nsbridge.js'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (registrar: string, env: Record<string, string>) =>
    spawnSync(process.execPath, [join(dir, 'nsbridge.js'), 'get', '--registrar', registrar, '--domain', 'example.com'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      // Port 9 on loopback: nothing listens, so the adapter fails at the network, after loading all it needs.
      env: { PATH: process.env.PATH, NSBRIDGE_HTTP_RETRIES: '0', NSBRIDGE_DEADLINE: '20s', NSBRIDGE_RATE_LIMIT_DIR: dir, ...env },
    });

  test.each([
    ['route53domains', { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' }],
    ['godaddy', { GODADDY_API_KEY: 'key-example', GODADDY_API_SECRET: 'secret-example', NSBRIDGE_GODADDY_ENDPOINT: 'http://127.0.0.1:9' }],
  ])('%s loads its packages from the bundle and fails only at the network', (registrar, env) => {
    const r = run(registrar, env);
    expect(r.stderr).not.toMatch(/Cannot find (package|module)|unexpected error/);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/connection refused/);
  });
});

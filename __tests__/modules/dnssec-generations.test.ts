/**
 * DNSSEC key generations (the stepwise roll-out) in DelegatedDomain, at synth: one key and KSK per
 * generation, the roll-out's read, anchors and "ds-rollout", the release guard kept at its address
 * as the backstop, the retiring KSK's status and (disable) signing following `released`; the
 * option checks. With the e2e tools' engine, `graph -type=plan` / `plan-destroy` shows no cycle
 * (the retiring KSK's status must not depend on the KSK itself). The engine behaviour of the
 * anchors and decisions is dnssec-rollout-state.test.ts's.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SKIP_TERRAFORM_VERSION_CHECK } from '../../modules/cli-asset';
import { DelegatedDomain, DelegatedDomainDnssecOptions } from '../../modules/delegated-domain';
import { NsbridgeValidationError } from '../../modules/errors';

type Json = Record<string, any>;
const TOOLS = process.env.NSBRIDGE_TOOLS_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'nsbridge-tools');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-generations-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Synthesize one domain; return the stack's JSON and its directory. */
function synth(name: string, dnssec: DelegatedDomainDnssecOptions): { json: Json; dir: string } {
  const outdir = path.join(root, name);
  const app = new App({ outdir, stackTraces: false, context: { [SKIP_TERRAFORM_VERSION_CHECK]: true } });
  const stack = new TerraformStack(app, 's');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new DelegatedDomain(stack, 'example.com', { zoneName: 'example.com', registrar: 'godaddy', dnssec });
  app.synth();
  const dir = path.join(outdir, 'stacks', 's');
  return { json: JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as Json, dir };
}

const ids = (json: Json, kind: 'resource' | 'data', type: string) => Object.keys(json[kind]?.[type] ?? {});
const one = (json: Json, type: string, part: RegExp): Json => {
  const found = Object.entries((json.resource?.[type] ?? {}) as Json).filter(([id]) => part.test(id));
  if (found.length !== 1) throw new Error(`expected one ${type} ${part}, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  return found[0]![1] as Json;
};

describe('a key roll by generations', () => {
  const { json, dir } = synth('roll', { keyGeneration: '2027-01', previousKeyGeneration: '2026-06' });

  test('one KMS key and KSK per generation; signing depends on both; the old KSK inactive once released', () => {
    expect(ids(json, 'resource', 'aws_kms_key').map((id) => /dnssec-key-(\d{4}-\d\d)_/.exec(id)?.[1]).sort()).toEqual(['2026-06', '2027-01']);
    const current = one(json, 'aws_route53_key_signing_key', /key-signing-key-2027-01_/);
    const previous = one(json, 'aws_route53_key_signing_key', /key-signing-key-2026-06_/);
    expect(current.status).toBe('ACTIVE');
    expect(previous.status).toMatch(/^\$\{local\.examplecom_dnssec-rollout_retiring-released_[0-9A-F]{8} \? "INACTIVE" : "ACTIVE"\}$/);
    expect(one(json, 'aws_route53_hosted_zone_dnssec', /_dnssec_/).depends_on).toHaveLength(2);
  });

  test('the roll-out publishes; the one-deploy bridge is gone; the release guard stays at its address', () => {
    expect(ids(json, 'resource', 'terraform_data').filter((id) => /_ds-bridge_/.test(id))).toEqual([]);
    expect(ids(json, 'resource', 'terraform_data').filter((id) => /^examplecom_dnssec_ds-release_/.test(id))).toHaveLength(1);
    const rollout = one(json, 'terraform_data', /_ds-rollout_/);
    expect(rollout.lifecycle.create_before_destroy).toBe(true);
    expect(rollout.lifecycle.precondition).toHaveLength(1);
    expect(rollout.lifecycle.precondition[0].error_message).toContain('keyGeneration "2027-01", previousKeyGeneration "2026-06"');
    expect(rollout.provisioner[0]['local-exec'].command).toMatch(/ds \$\{self\.triggers_replace\.action\} --registrar/);
  });

  test('the plan-time read asks with plan-time values only (never a KSK attribute)', () => {
    const reads = Object.entries(json.data.external as Json).filter(([id]) => /_dnssec-read_/.test(id));
    expect(reads).toHaveLength(1);
    expect(reads[0]![1].query).toEqual({ mode: 'dnssec', registrar: 'godaddy', domain: 'example.com' });
  });

  const tofurc = path.join(TOOLS, 'tofurc');
  const tofu = path.join(TOOLS, 'bin', 'tofu');
  (fs.existsSync(tofurc) && fs.existsSync(tofu) ? test : test.skip)('no dependency cycle in the plan or the destroy plan (e2e tools\' OpenTofu)', () => {
    const env = { ...process.env, TF_CLI_CONFIG_FILE: tofurc, CHECKPOINT_DISABLE: '1' };
    for (const d of [dir, synth('disable', { keyGeneration: '2026-06', disable: true }).dir]) {
      const init = spawnSync(tofu, ['init', '-input=false', '-no-color'], { cwd: d, env, encoding: 'utf8' });
      expect(init.status).toBe(0);
      for (const type of ['plan', 'plan-destroy']) {
        const g = spawnSync(tofu, ['graph', `-type=${type}`, '-no-color'], { cwd: d, env, encoding: 'utf8' });
        expect({ type, status: g.status, err: g.stderr }).toEqual({ type, status: 0, err: '' });
      }
    }
  });
});

describe('disable by generation', () => {
  const { json } = synth('disable-json', { keyGeneration: '2026-06', disable: true });
  test('one key; signing stops once released; no DS wanted', () => {
    expect(ids(json, 'resource', 'aws_route53_key_signing_key')).toHaveLength(1);
    expect(one(json, 'aws_route53_hosted_zone_dnssec', /_dnssec_/).signing_status).toMatch(/^\$\{local\.examplecom_dnssec-rollout_retiring-released_[0-9A-F]{8} \? "NOT_SIGNING" : "SIGNING"\}$/);
    expect(Object.values(json.locals as Json).some((v) => v === '${[]}')).toBe(true);
  });
});

describe('the options, refused with what to do', () => {
  const problems = (dnssec: DelegatedDomainDnssecOptions): string => {
    try {
      synth(`bad-${Math.random()}`, dnssec);
    } catch (e) {
      expect(e).toBeInstanceOf(NsbridgeValidationError);
      return (e as Error).message;
    }
    throw new Error('no error');
  };
  test.each([
    [{ keyGeneration: '2026 06' }, /dnssec\.keyGeneration: key generation "2026 06" must be 1 to 40 letters, digits/],
    [{ keyGeneration: 'a', previousKeyGeneration: 'a' }, /previousKeyGeneration is the same as keyGeneration/],
    [{ keyGeneration: 'b', previousKeyGeneration: 'a', disable: true }, /a key roll from "a" is under way \(previousKeyGeneration\); let it complete/],
    [{ previousKeyGeneration: 'a' }, /previousKeyGeneration belongs to the stepwise roll-out: set keyGeneration too/],
    [{ keyGeneration: 'a', removalHold: '1h' }, /removalHold belongs to the one-deploy flow/],
    [{ keyGeneration: 'a', publish: false }, /publish: false signs without publishing/],
    [{ keyGeneration: 'a', rolloutDeadline: '3d' }, /rollout deadline "3d" must be hours, minutes and\/or seconds/],
  ] as [DelegatedDomainDnssecOptions, RegExp][])('%j', (dnssec, message) => {
    expect(problems(dnssec)).toMatch(message);
  });
});

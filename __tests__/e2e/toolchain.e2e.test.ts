/**
 * What the e2e toolchain really is, under the engine of this run (docs/e2e.md, "The toolchain"):
 * the engine version against the README's floor, each mirrored provider against the version the
 * stacks pin (a mismatch the Go module proxy forces is named in the test's title), and the trimmed
 * AWS provider's schema against every resource type the constructs use.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeE2e, ENGINE, ENGINE_BIN, ENGINE_CLI_CONFIG, engineVersion, explain, MIRROR_HOST, REPO_ROOT, run, TOOLS_DIR } from './harness';

interface Provenance {
  mirrorVersion: string;
  module: string;
  moduleVersion: string;
  realVersion: string;
  sha256: string;
}
const provenance = (): Record<'aws' | 'external', Provenance> => JSON.parse(fs.readFileSync(path.join(TOOLS_DIR, 'providers.json'), 'utf8'));
/** The version a @cdktf/provider-* package generates its `required_providers` pin from. */
const pinned = (pkg: string): string => (require(`${pkg}/package.json`) as { cdktf: { provider: { version: string } } }).cdktf.provider.version;
const mirrored = (type: string, version: string): string => {
  const dir = path.join(TOOLS_DIR, 'mirror', MIRROR_HOST, 'hashicorp', type, version, 'linux_amd64');
  return path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith(`terraform-provider-${type}`))!);
};
const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describeE2e('e2e: the toolchain', () => {
  jest.setTimeout(180_000);

  // Terraform and tofu-floor run AT the floor: this file passing under them (and the rest of the
  // suite with them) is what makes the README's floor a tested fact.
  const proves = { terraform: "is the README's Terraform floor itself", 'tofu-floor': "is the README's OpenTofu floor itself", tofu: "is at or above the README's OpenTofu floor" }[ENGINE];
  test(`${engineVersion()} (NSBRIDGE_E2E_ENGINE=${ENGINE}) ${proves}`, () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const floor = /Supported engines\*\*: Terraform >= (\d+)\.(\d+)(?:\.\d+)? and OpenTofu >= (\d+)\.(\d+)/.exec(readme);
    expect(floor).not.toBeNull();
    const v = /^(Terraform|OpenTofu) v(\d+)\.(\d+)\.(\d+)$/.exec(engineVersion());
    expect(v?.[1]).toBe(ENGINE === 'terraform' ? 'Terraform' : 'OpenTofu');
    const [major, minor] = [Number(v![2]), Number(v![3])];
    if (ENGINE === 'terraform') expect([major, minor]).toEqual([Number(floor![1]), Number(floor![2])]);
    else if (ENGINE === 'tofu-floor') expect([major, minor]).toEqual([Number(floor![3]), Number(floor![4])]);
    else expect(major * 1000 + minor).toBeGreaterThanOrEqual(Number(floor![3]) * 1000 + Number(floor![4]));
  });

  test("hashicorp/aws: the mirror's 6.25.0 (the stacks' pin) is github.com/upbound/terraform-provider-aws at 6.34.0, because the Go module proxy serves no 6.x of hashicorp's module", () => {
    const p = provenance().aws;
    expect(p.mirrorVersion).toBe(pinned('@cdktf/provider-aws'));
    expect({ mirrorVersion: p.mirrorVersion, module: p.module, realVersion: p.realVersion }).toEqual({
      mirrorVersion: '6.25.0',
      module: 'github.com/upbound/terraform-provider-aws',
      realVersion: '6.34.0',
    });
    expect(sha256(mirrored('aws', p.mirrorVersion))).toBe(p.sha256);
  });

  test("hashicorp/external: the mirror's 2.3.5 (the stacks' pin) is github.com/terraform-providers/terraform-provider-external v1.2.0, because the Go module proxy serves no 2.x", () => {
    const p = provenance().external;
    expect(p.mirrorVersion).toBe(pinned('@cdktf/provider-external'));
    expect({ mirrorVersion: p.mirrorVersion, module: p.module, moduleVersion: p.moduleVersion }).toEqual({
      mirrorVersion: '2.3.5',
      module: 'github.com/terraform-providers/terraform-provider-external',
      moduleVersion: 'v1.2.0',
    });
    expect(sha256(mirrored('external', p.mirrorVersion))).toBe(p.sha256);
  });

  test('the trimmed AWS provider and the external provider have every resource and data source the constructs use', async () => {
    // the types come from the constructs' own imports, so a new resource in modules/ is checked too
    const used = { resource: new Set<string>(), data: new Set<string>() };
    const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []));
    for (const f of walk(path.join(REPO_ROOT, 'modules'))) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/from '(@cdktf\/provider-(?:aws|external)\/lib\/[\w-]+)'/g)) {
        if (m[1].endsWith('/lib/provider')) continue;
        for (const v of Object.values(require(m[1]) as Record<string, { tfResourceType?: string }>)) {
          const t = v?.tfResourceType;
          if (typeof t !== 'string' || !/^(aws|external)/.test(t)) continue;
          (m[1].includes('/lib/data-') ? used.data : used.resource).add(t);
        }
      }
    }
    // Data sources the constructs write with cdktf's own classes (modules/external-data.ts), not a binding.
    for (const f of walk(path.join(REPO_ROOT, 'modules'))) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/class \w+ extends TerraformDataSource[\s\S]*?terraformResourceType: '([\w-]+)'/g)) used.data.add(m[1]);
    }
    expect([...used.resource]).toEqual(expect.arrayContaining(['aws_route53_zone', 'aws_route53_key_signing_key', 'aws_kms_key']));
    expect([...used.data]).toEqual(expect.arrayContaining(['external']));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nsbridge-e2e-${ENGINE}-schema-`));
    try {
      const required = { aws: { source: 'hashicorp/aws', version: pinned('@cdktf/provider-aws') }, external: { source: 'hashicorp/external', version: pinned('@cdktf/provider-external') } };
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: required } }));
      const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME, TF_CLI_CONFIG_FILE: ENGINE_CLI_CONFIG, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
      const init = await run(ENGINE_BIN, ['init', '-input=false', '-no-color'], { cwd: dir, env });
      expect(init.code).toBe(0);
      const schema = await run(ENGINE_BIN, ['providers', 'schema', '-json'], { cwd: dir, env });
      if (schema.code !== 0) throw new Error(explain(schema));
      const all = JSON.parse(schema.stdout) as { provider_schemas: Record<string, { resource_schemas?: object; data_source_schemas?: object }> };
      const byHost = (type: string) => all.provider_schemas[`${MIRROR_HOST}/hashicorp/${type}`];
      const resources = new Set([...Object.keys(byHost('aws').resource_schemas ?? {}), ...Object.keys(byHost('external').resource_schemas ?? {})]);
      const data = new Set([...Object.keys(byHost('aws').data_source_schemas ?? {}), ...Object.keys(byHost('external').data_source_schemas ?? {})]);
      expect([...used.resource].filter((t) => !resources.has(t))).toEqual([]);
      expect([...used.data].filter((t) => !data.has(t))).toEqual([]);
      // trimmed: a service the stacks do not use is not in this build
      expect(resources.has('aws_instance')).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

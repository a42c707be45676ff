/**
 * DNSSEC at synth: the zone side (KMS key, KSK, signing), the DS bridge and its release guard,
 * what is (not) synthesized with DNSSEC off, and the validation errors. The order these produce on
 * a real engine is checked in dnssec-order.test.ts.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SKIP_TERRAFORM_VERSION_CHECK } from '../../modules/cli-asset';
import { DelegatedDomain, DelegatedDomainProps, RetiredDomain } from '../../modules/delegated-domain';
import { DomainsStack, DomainEntry } from '../../modules/domains-stack';
import { HostedZone } from '../../modules/hosted-zone';
import { NsbridgeValidationError } from '../../modules/errors';

type Json = Record<string, any>;

/** Synthesize one stack holding what `build` creates; return its JSON. */
function synth(build: (stack: TerraformStack) => void, region = 'us-east-1'): Json {
  const app = new App({ outdir: Testing.app().outdir, stackTraces: false, context: { [SKIP_TERRAFORM_VERSION_CHECK]: true } });
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region });
  build(stack);
  return JSON.parse(Testing.synth(stack));
}

/** The one block of `type` whose logical id contains `_<part>_` (the construct id). */
function block(json: Json, kind: 'resource' | 'data', type: string, part: string): [string, Json] {
  const entries = Object.entries((json[kind]?.[type] ?? {}) as Json).filter(([id]) => new RegExp(`_${part}_[0-9A-F]{8}$`).test(id));
  if (entries.length !== 1) throw new Error(`expected one ${type} "${part}", found ${entries.map(([id]) => id).join(', ') || 'none'}`);
  return entries[0] as [string, Json];
}

const domainProps = (extra: Partial<DelegatedDomainProps> = {}): DelegatedDomainProps => ({ zoneName: 'example.com', registrar: 'godaddy', ...extra });

describe('HostedZone dnssec: the zone side', () => {
  const json = synth((s) => new HostedZone(s, 'example.com', { zoneName: 'example.com', dnssec: true, tags: { team: 'dns' } }));

  test('the KMS key: ECC_NIST_P256, SIGN_VERIFY, in us-east-1, create before destroy', () => {
    const [, key] = block(json, 'resource', 'aws_kms_key', 'dnssec-key');
    expect(key).toMatchObject({ customer_master_key_spec: 'ECC_NIST_P256', key_usage: 'SIGN_VERIFY', region: 'us-east-1', tags: { team: 'dns' } });
    expect(key.lifecycle).toEqual({ create_before_destroy: true });
    expect(key.description).toMatch(/example\.com/);
  });

  test('the key policy is AWS\'s documented one: the DNSSEC service may describe, read and sign for this account\'s zones, create grants for AWS resources; root administers', () => {
    const [, key] = block(json, 'resource', 'aws_kms_key', 'dnssec-key');
    const [identityId] = Object.entries(json.data.aws_caller_identity)[0]!;
    const [partitionId] = Object.entries(json.data.aws_partition)[0]!;
    const account = `\${data.aws_caller_identity.${identityId}.account_id}`;
    const partition = `\${data.aws_partition.${partitionId}.partition}`;
    const policy = JSON.parse(key.policy);
    expect(policy.Version).toBe('2012-10-17');
    const bySid = Object.fromEntries(policy.Statement.map((s: Json) => [s.Sid, s]));
    const service = bySid['Allow Route 53 DNSSEC Service'];
    expect(service).toEqual({
      Sid: 'Allow Route 53 DNSSEC Service',
      Effect: 'Allow',
      Principal: { Service: 'dnssec-route53.amazonaws.com' },
      Action: ['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Sign'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': `arn:${partition}:route53:::hostedzone/*` } },
    });
    expect(bySid['Allow Route 53 DNSSEC Service to CreateGrant']).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'dnssec-route53.amazonaws.com' },
      Action: 'kms:CreateGrant',
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    });
    expect(bySid['Enable IAM User Permissions']).toMatchObject({ Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: 'kms:*' });
    expect(policy.Statement).toHaveLength(3);
  });

  test('the KSK (ACTIVE, the key\'s ARN, a name unique per key) and signing, which depends on it', () => {
    const [kskId, ksk] = block(json, 'resource', 'aws_route53_key_signing_key', 'key-signing-key');
    const [keyId] = block(json, 'resource', 'aws_kms_key', 'dnssec-key');
    const [zoneId] = block(json, 'resource', 'aws_route53_zone', 'zone');
    expect(ksk).toMatchObject({
      status: 'ACTIVE',
      key_management_service_arn: `\${aws_kms_key.${keyId}.arn}`,
      hosted_zone_id: `\${aws_route53_zone.${zoneId}.zone_id}`,
      name: `nsbridge_\${replace(aws_kms_key.${keyId}.key_id, "-", "")}`,
    });
    expect(ksk.lifecycle).toEqual({ create_before_destroy: true });
    const [, signing] = block(json, 'resource', 'aws_route53_hosted_zone_dnssec', 'dnssec');
    expect(signing).toMatchObject({ hosted_zone_id: `\${aws_route53_zone.${zoneId}.zone_id}`, signing_status: 'SIGNING', depends_on: [`aws_route53_key_signing_key.${kskId}`] });
  });

  test('kmsProvider puts the key (only the key) on another provider; still in us-east-1', () => {
    const out = synth((s) => {
      const kms = new AwsProvider(s, 'kms', { region: 'us-east-1', alias: 'kms', profile: 'key-admin' });
      new HostedZone(s, 'example.com', { zoneName: 'example.com', dnssec: { kmsProvider: kms } });
    }, 'eu-west-1');
    expect(block(out, 'resource', 'aws_kms_key', 'dnssec-key')[1]).toMatchObject({ provider: 'aws.kms', region: 'us-east-1' });
    expect(block(out, 'resource', 'aws_route53_key_signing_key', 'key-signing-key')[1].provider).toBeUndefined();
    expect(block(out, 'resource', 'aws_route53_zone', 'zone')[1].provider).toBeUndefined();
  });

  test('several signed zones in a stack share one pair of account data sources', () => {
    const out = synth((s) => {
      for (const name of ['a.example', 'b.example', 'c.example']) new HostedZone(s, name, { zoneName: name, dnssec: true });
    });
    expect(Object.keys(out.data.aws_caller_identity)).toHaveLength(1);
    expect(Object.keys(out.data.aws_partition)).toHaveLength(1);
    expect(Object.keys(out.resource.aws_kms_key)).toHaveLength(3);
  });
});

describe('DelegatedDomain dnssec: the DS bridge and its release guard', () => {
  const json = synth((s) => new DelegatedDomain(s, 'example.com', domainProps({ dnssec: { parentWait: '30m', removalHold: '2h' }, registrarSettings: { sandbox: true } })));
  const [kskId] = block(json, 'resource', 'aws_route53_key_signing_key', 'key-signing-key');
  const [signingId] = block(json, 'resource', 'aws_route53_hosted_zone_dnssec', 'dnssec');
  const [nsBridgeId] = block(json, 'resource', 'terraform_data', 'bridge');
  const [nsReleaseId] = block(json, 'resource', 'terraform_data', 'release');
  const [, dsBridge] = block(json, 'resource', 'terraform_data', 'ds-bridge');
  const [, dsRelease] = block(json, 'resource', 'terraform_data', 'ds-release');

  test('the bridge is replaced by a new dnskey (the KSK\'s dnskey_record), registrar or settings, create before destroy', () => {
    expect(dsBridge.triggers_replace).toEqual({
      domain: 'example.com',
      registrar: 'godaddy',
      dnskey: `\${aws_route53_key_signing_key.${kskId}.dnskey_record}`,
      settings: { NSBRIDGE_GODADDY_SANDBOX: '1' },
    });
    expect(dsBridge.lifecycle).toEqual({ create_before_destroy: true });
  });

  test('it is published after signing is on and after the name-server bridge', () => {
    expect(dsBridge.depends_on).toEqual(
      expect.arrayContaining([`aws_route53_hosted_zone_dnssec.${signingId}`, `aws_route53_key_signing_key.${kskId}`, `terraform_data.${nsBridgeId}`]),
    );
  });

  test('its command: ds set with --dnskey from self, --wait-signed (default 15m), --wait when configured, --hold-replaced (the removal hold), settings as environment', () => {
    expect(dsBridge.provisioner).toHaveLength(1); // no destroy step: Terraform would not run it (create before destroy)
    const create = dsBridge.provisioner[0]['local-exec'];
    expect(create.when).toBeUndefined();
    expect(create.command).toMatch(
      /^node "\$\{path\.module\}\/assets\/nsbridge-cli\/[0-9A-F]{32}\/nsbridge\.js" ds set --registrar \$\{self\.triggers_replace\.registrar\} --domain \$\{self\.triggers_replace\.domain\} --dnskey "\$\{self\.triggers_replace\.dnskey\}" --wait-signed 15m --wait 30m --hold-replaced 2h$/,
    );
    expect(create.environment).toBe('${self.triggers_replace.settings}');
    expect(dsBridge.input).toBeUndefined();
  });

  test('the release guard: ds clear --wait --hold from its input, only self referenced, before the signing resources and the name-server release', () => {
    expect(dsRelease.input).toEqual({ domain: 'example.com', registrar: 'godaddy', wait: '30m', hold: '2h', env: { NSBRIDGE_GODADDY_SANDBOX: '1' } });
    expect(dsRelease.triggers_replace).toEqual({ domain: 'example.com' });
    const clear = dsRelease.provisioner[0]['local-exec'];
    expect(clear.when).toBe('destroy');
    expect(clear.command).toMatch(/ ds clear --registrar \$\{self\.input\.registrar\} --domain \$\{self\.input\.domain\} --wait \$\{self\.input\.wait\} --hold \$\{self\.input\.hold\}$/);
    expect([...clear.command.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]).every((r: string) => r.startsWith('self.') || r === 'path.module')).toBe(true);
    expect(clear.environment).toBe('${self.input.env}');
    expect(dsRelease.depends_on).toEqual(
      expect.arrayContaining([`aws_route53_hosted_zone_dnssec.${signingId}`, `aws_route53_key_signing_key.${kskId}`, `terraform_data.${nsReleaseId}`]),
    );
    expect(dsRelease.count).toBeUndefined();
  });

  test('defaults: --wait-signed 15m, no --wait on set, a key roll holds parent-ttl, clear waits 1h and holds parent-ttl', () => {
    const out = synth((s) => new DelegatedDomain(s, 'example.com', domainProps({ dnssec: true })));
    const bridge = block(out, 'resource', 'terraform_data', 'ds-bridge')[1];
    expect(bridge.provisioner[0]['local-exec'].command).toMatch(/ --dnskey "[^"]+" --wait-signed 15m --hold-replaced parent-ttl$/);
    expect(bridge.provisioner[0]['local-exec'].environment).toBeUndefined();
    expect(block(out, 'resource', 'terraform_data', 'ds-release')[1].input).toMatchObject({ wait: '1h', hold: 'parent-ttl', env: {} });
  });

  test('the roll hold is not a trigger: another removalHold changes the command only, so it replaces nothing', () => {
    const bridgeWith = (removalHold: string) =>
      block(synth((s) => new DelegatedDomain(s, 'example.com', domainProps({ dnssec: { removalHold } }))), 'resource', 'terraform_data', 'ds-bridge')[1];
    const [a, b] = [bridgeWith('parent-ttl'), bridgeWith('30m')];
    expect(a.provisioner[0]['local-exec'].command).toMatch(/ --hold-replaced parent-ttl$/);
    expect(b.provisioner[0]['local-exec'].command).toMatch(/ --hold-replaced 30m$/);
    expect(b.triggers_replace).toEqual(a.triggers_replace);
    expect(JSON.stringify(b.triggers_replace)).not.toMatch(/hold|30m/);
  });

  test('the DS is a stack output, so it can be entered by hand where nsbridge does not publish it', () => {
    const [, output] = Object.entries(json.output as Json).find(([id]) => id.includes('dnssec-ds'))!;
    expect(output.value).toBe(`\${aws_route53_key_signing_key.${kskId}.ds_record}`);
  });
});

describe('DNSSEC off, unpublished, retired', () => {
  test('off: only the release guard with count 0, nothing else of DNSSEC', () => {
    const json = synth((s) => new DelegatedDomain(s, 'example.com', domainProps()));
    const [, guard] = block(json, 'resource', 'terraform_data', 'ds-release');
    expect(guard.count).toBe(0);
    expect(guard.provisioner[0]['local-exec'].command).toMatch(/ ds clear .* --hold \$\{self\.input\.hold\}$/);
    for (const type of ['aws_kms_key', 'aws_route53_key_signing_key', 'aws_route53_hosted_zone_dnssec']) expect(json.resource[type]).toBeUndefined();
    expect(json.data?.aws_caller_identity).toBeUndefined();
    expect(json.output).toBeUndefined();
    expect(() => block(json, 'resource', 'terraform_data', 'ds-bridge')).toThrow(/found none/);
  });

  test('the guard keeps its address whether DNSSEC is on, off or the domain retired', () => {
    const address = (build: (s: TerraformStack) => void) => block(synth(build), 'resource', 'terraform_data', 'ds-release')[0];
    const on = address((s) => new DelegatedDomain(s, 'example.com', domainProps({ dnssec: true })));
    expect(address((s) => new DelegatedDomain(s, 'example.com', domainProps()))).toBe(on);
    expect(address((s) => new RetiredDomain(s, 'example.com'))).toBe(on);
  });

  test('publish: false signs the zone but publishes nothing (and keeps the guard at count 0, so an earlier DS is removed)', () => {
    const json = synth((s) => new DelegatedDomain(s, 'example.com', domainProps({ registrar: 'namecheap', dnssec: { publish: false } })));
    expect(Object.keys(json.resource.aws_route53_hosted_zone_dnssec)).toHaveLength(1);
    expect(block(json, 'resource', 'terraform_data', 'ds-release')[1].count).toBe(0);
    expect(() => block(json, 'resource', 'terraform_data', 'ds-bridge')).toThrow(/found none/);
  });

  test('DomainsStack: a non-us-east-1 stack needs no second provider, the key carries the region; domains without dnssec pay nothing', () => {
    const app = new App({ outdir: Testing.app().outdir, stackTraces: false });
    const domains: DomainEntry[] = [
      { zoneName: 'signed.example', registrar: 'godaddy', dnssec: true },
      { zoneName: 'plain.example', registrar: 'godaddy' },
    ];
    const stack = new DomainsStack(app, 'eu', { domains, aws: { region: 'eu-west-1' }, backend: { type: 'local', path: 'x.tfstate' } });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.provider.aws)).toHaveLength(1);
    expect(json.provider.aws[0].region).toBe('eu-west-1');
    const keys = Object.values(json.resource.aws_kms_key) as Json[];
    expect(keys).toHaveLength(1);
    expect(keys[0]!.region).toBe('us-east-1');
    expect(Object.keys(json.resource.terraform_data).filter((id) => /_ds-release_/.test(id))).toHaveLength(2);
    expect(Object.keys(json.resource.terraform_data).filter((id) => /_ds-bridge_/.test(id))).toEqual([expect.stringMatching(/^signedexample_/)]);
  });
});

describe('validation', () => {
  const problemsOf = (props: DelegatedDomainProps): readonly string[] => {
    try {
      synth((s) => new DelegatedDomain(s, props.zoneName, props));
    } catch (err) {
      if (NsbridgeValidationError.is(err)) return err.problems;
      throw err;
    }
    throw new Error('expected a validation error');
  };

  test('a registrar without DNSSEC support: names the domain, the registrar, the reason and the fixes', () => {
    const problems = problemsOf(domainProps({ registrar: 'namecheap', dnssec: true }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^dnssec: "example\.com" has dnssec on, but registrar "namecheap" cannot publish a DS record through nsbridge \(the Namecheap API has no DNSSEC/);
    expect(problems[0]).toMatch(/dnssec: \{ publish: false \}/);
    expect(problems[0]).toMatch(/move the domain to a registrar that can \(.*godaddy/);
  });

  test('bad durations and hold, all at once with their paths, alongside other problems of the domain', () => {
    const problems = problemsOf(
      domainProps({ comment: 'x'.repeat(300), dnssec: { signedWait: 'soon', parentWait: '10 minutes', removalHold: 'ttl' } }),
    );
    expect(problems).toEqual([
      'comment: comment is 300 characters long; Route 53 allows at most 256',
      'dnssec.signedWait: duration "soon" is not valid; use e.g. 500ms, 30s, 10m, 1h or 1m30s',
      'dnssec.parentWait: duration "10 minutes" is not valid; use e.g. 500ms, 30s, 10m, 1h or 1m30s',
      'dnssec.removalHold: removal hold "ttl" is neither "parent-ttl" nor a duration: duration "ttl" is not valid; use e.g. 500ms, 30s, 10m, 1h or 1m30s',
    ]);
  });

  test('nothing is checked for DNSSEC when it is off', () => {
    expect(() => synth((s) => new DelegatedDomain(s, 'example.com', domainProps({ registrar: 'namecheap', dnssec: false })))).not.toThrow();
  });
});

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53DelegationSet } from '@cdktf/provider-aws/lib/route53-delegation-set';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { App, Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest'; // matcher types (toHaveResource...); Testing.setupJest() registers them
import { DomainsStack, DomainsStackProps } from '../../modules/domains-stack';
import { LOCKFILE_REQUIRED_VERSION, TERRAFORM_REQUIRED_VERSION } from '../../modules/terraform-version';

Testing.setupJest();

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-stack-'));
const synth = (props: DomainsStackProps, id = 'prod'): { out: string; json: any } => {
  const stack = new DomainsStack(new App({ outdir }), id, props);
  const out = Testing.synth(stack);
  return { out, json: JSON.parse(out) };
};
const domains: DomainsStackProps['domains'] = [
  { zoneName: 'Example.com', registrar: 'godaddy' },
  { zoneName: 'example.org', registrar: 'namecheap', useStackDelegationSet: true },
];

describe('DomainsStack', () => {
  test('defaults: us-east-1, local state outside cdktf.out written relative to the stack directory, Terraform >= 1.5.0 (TERRAFORM_REQUIRED_VERSION)', () => {
    const statePath = path.join(outdir, '..', 'state', 'prod.tfstate');
    const { json } = synth({ domains, backend: { type: 'local', path: statePath } });
    expect(json.provider.aws).toEqual([{ region: 'us-east-1' }]);
    expect(json.terraform.required_version).toBe(TERRAFORM_REQUIRED_VERSION);
    const stateFromStackDir = json.terraform.backend.local.path as string;
    expect(path.isAbsolute(stateFromStackDir)).toBe(false);
    expect(path.resolve(outdir, 'stacks', 'prod', stateFromStackDir)).toBe(path.resolve(statePath));
  });

  test('one DelegatedDomain per entry, with the canonical name as construct id', () => {
    const stack = new DomainsStack(new App({ outdir }), 'prod', { domains });
    expect(stack.domains.map((d) => d.node.id)).toEqual(['example.com', 'example.org']);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Route53Zone, { name: 'example.com' });
  });

  test('one stack output "domains": per live domain its zone id, sorted name servers and registrar', () => {
    // GIVEN two live domains, one whose first label starts with a digit, and a retired one
    const stack = new DomainsStack(new App({ outdir }), 'prod', {
      domains: [...domains, { zoneName: '1password.example', registrar: 'manual' }, { zoneName: 'old.example', retired: true }],
    });
    // WHEN synthesized
    const json = JSON.parse(Testing.synth(stack));
    // THEN one output, keyed by the canonical domain names of the live domains, each entry referring to its own zone
    expect(Object.keys(json.output)).toEqual(['domains']);
    expect(Object.keys(json.output.domains.value).sort()).toEqual(['1password.example', 'example.com', 'example.org']);
    const zone = stack.domains[0]!.zone.resource.friendlyUniqueId;
    expect(json.output.domains.value['example.com']).toEqual({
      zone_id: `\${aws_route53_zone.${zone}.zone_id}`,
      name_servers: `\${sort(aws_route53_zone.${zone}.name_servers)}`,
      registrar: 'godaddy',
    });
    expect(json.output.domains.value['1password.example'].registrar).toBe('manual');
    // and DelegatedDomain carries the same values as attributes
    expect(stack.domains[1]!.registrar).toBe('namecheap');
    expect(stack.domains[1]!.zoneId).toBe(stack.domains[1]!.zone.zoneId);
  });

  test('no live domain, no output', () => {
    const json = JSON.parse(Testing.synth(new DomainsStack(new App({ outdir }), 'prod', { domains: [{ zoneName: 'old.example', retired: true }] })));
    expect(json.output).toBeUndefined();
  });

  test('AWS settings and default tags configure the provider', () => {
    const { out } = synth({
      domains,
      aws: {
        region: 'eu-west-1',
        profile: 'dns',
        assumeRole: { roleArn: 'arn:aws:iam::111111111111:role/dns', sessionName: 'nsbridge', externalId: 'ext' },
        allowedAccountIds: ['111111111111'],
      },
      defaultTags: { environment: 'production' },
    });
    expect(out).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-west-1',
      profile: 'dns',
      assume_role: [{ role_arn: 'arn:aws:iam::111111111111:role/dns', session_name: 'nsbridge', external_id: 'ext' }],
      allowed_account_ids: ['111111111111'],
      default_tags: [{ tags: { environment: 'production' } }],
    });
  });

  test('S3 state locks with the S3-native lockfile by default, which needs Terraform/OpenTofu 1.10', () => {
    const { json } = synth({ domains, backend: { type: 's3', bucket: 'state', key: 'nsbridge/prod.tfstate', region: 'eu-west-1' } });
    expect(json.terraform.backend).toEqual({
      s3: { bucket: 'state', key: 'nsbridge/prod.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
    expect(json.terraform.required_version).toBe(LOCKFILE_REQUIRED_VERSION);
    expect(LOCKFILE_REQUIRED_VERSION).toBe('>= 1.10');
  });

  // Terraform 1.5 rejects `use_lockfile` as an unsupported argument, even `use_lockfile = false`.
  test.each([
    ['a DynamoDB table alone', {}],
    ['a DynamoDB table with useLockfile: false', { useLockfile: false }],
  ])('S3 state locked by %s writes no use_lockfile and keeps the Terraform 1.5 floor', (_title, lockfile) => {
    const { json } = synth({
      domains,
      backend: { type: 's3', bucket: 'state', key: 'k', region: 'us-east-1', ...lockfile, dynamodbTable: 'locks', roleArn: 'arn:aws:iam::222222222222:role/state' },
    });
    expect(json.terraform.backend.s3).toEqual({
      bucket: 'state',
      key: 'k',
      region: 'us-east-1',
      encrypt: true,
      dynamodb_table: 'locks',
      assume_role: { role_arn: 'arn:aws:iam::222222222222:role/state' },
    });
    expect(json.terraform.required_version).toBe(TERRAFORM_REQUIRED_VERSION);
  });

  test('S3 state with both a DynamoDB table and the lockfile asked for writes both and needs 1.10', () => {
    const { json } = synth({ domains, backend: { type: 's3', bucket: 'state', key: 'k', region: 'us-east-1', useLockfile: true, dynamodbTable: 'locks' } });
    expect(json.terraform.backend.s3).toEqual({ bucket: 'state', key: 'k', region: 'us-east-1', encrypt: true, use_lockfile: true, dynamodb_table: 'locks' });
    expect(json.terraform.required_version).toBe(LOCKFILE_REQUIRED_VERSION);
  });

  test('a shared delegation set is created once and used by the domains that ask for it', () => {
    const { out, json } = synth({ domains, delegationSet: { create: true } });
    expect(out).toHaveResourceWithProperties(Route53DelegationSet, { reference_name: 'nsbridge-prod' });
    const [setId] = Object.keys(json.resource.aws_route53_delegation_set);
    const zones = Object.values<{ name: string; delegation_set_id?: string }>(json.resource.aws_route53_zone);
    expect(zones.find((z) => z.name === 'example.org')!.delegation_set_id).toBe(`\${aws_route53_delegation_set.${setId}.id}`);
    expect(zones.find((z) => z.name === 'example.com')!.delegation_set_id).toBeUndefined();
  });

  test('an existing shared delegation set is referenced by id', () => {
    const { out, json } = synth({ domains, delegationSet: { id: 'N0SHARED' } });
    expect(out).not.toHaveResource(Route53DelegationSet);
    expect(Object.values<{ delegation_set_id?: string }>(json.resource.aws_route53_zone).map((z) => z.delegation_set_id)).toEqual([undefined, 'N0SHARED']);
  });

  test('a retired entry keeps only its release guard (count 0), at the address its live delegation had', () => {
    const live = synth({ domains }).json;
    const retired = synth({ domains: [{ zoneName: 'EXAMPLE.com.', retired: true }, domains[1]!] }).json;
    const guardOf = (json: any) => Object.keys(json.resource.terraform_data).find((id) => id.startsWith('examplecom_delegation_release_'));
    expect(guardOf(retired)).toBe(guardOf(live));
    expect(retired.resource.terraform_data[guardOf(retired)!].count).toBe(0);
    // The zone, its bridge, holder and registrar read are gone: the next apply destroys them after the release.
    expect(Object.values<{ name: string }>(retired.resource.aws_route53_zone).map((z) => z.name)).toEqual(['example.org']);
    // (and the DNSSEC release guard, count 0: it removes a published DS first; see dnssec.test.ts)
    expect(Object.keys(retired.resource.terraform_data).filter((id) => id.startsWith('examplecom_'))).toEqual([guardOf(retired), expect.stringMatching(/^examplecom_dnssec_ds-release_/)]);
    expect(Object.keys(retired.data.external).filter((id) => id.startsWith('examplecom_'))).toEqual([]);
    const stack = new DomainsStack(new App({ outdir }), 'prod', { domains: [{ zoneName: 'example.com', retired: true }] });
    expect(stack.domains).toEqual([]);
    expect(stack.retiredDomains.map((d) => d.node.id)).toEqual(['example.com']);
  });
});

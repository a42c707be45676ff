import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { DataResource, TerraformStack, Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest'; // matcher types (toHaveResource...); Testing.setupJest() registers them
import { DelegatedDomain, RetiredDomain } from '../../modules/delegated-domain';
import { REGISTRAR_IDS } from '../../registrar-adapters/catalog';

Testing.setupJest();

describe('DelegatedDomain', () => {
  test('the zone\'s name servers, sorted by Terraform, feed the delegation', () => {
    const out = Testing.synthScope((scope) => new DelegatedDomain(scope, 'example.com', { zoneName: 'example.com', registrar: 'namecheap' }));
    const json = JSON.parse(out);
    const [zoneId] = Object.keys(json.resource.aws_route53_zone);
    expect(out).toHaveResource(Route53Zone);
    expect(out).toHaveResourceWithProperties(DataResource, {
      triggers_replace: expect.objectContaining({ domain: 'example.com', registrar: 'namecheap', name_servers: `\${sort(aws_route53_zone.${zoneId}.name_servers)}` }),
    });
    // ...and the release guard, which runs the destroy policy (restore by default).
    expect(out).toHaveResourceWithProperties(DataResource, {
      input: expect.objectContaining({ name_servers: `\${sort(aws_route53_zone.${zoneId}.name_servers)}`, policy: 'restore' }),
    });
  });

  test('the zone is create_before_destroy: a replaced zone is delegated to before the old one is deleted', () => {
    const out = Testing.synthScope((scope) => new DelegatedDomain(scope, 'example.com', { zoneName: 'example.com', registrar: 'godaddy', createDelegationSet: true }));
    expect(out).toHaveResourceWithProperties(Route53Zone, { lifecycle: { create_before_destroy: true } });
  });

  test('the delegation depends on the zone and on every record, also records added later', () => {
    // GIVEN a domain with one record from props and one added afterwards
    const out = Testing.synthScope((scope) => {
      const domain = new DelegatedDomain(scope, 'example.com', {
        zoneName: 'example.com',
        registrar: 'godaddy',
        records: [{ type: 'A', name: '@', values: ['192.0.2.1'] }],
      });
      domain.zone.addTxtRecord('@', ['v=spf1 -all']);
    });
    // THEN the registrar is only pointed at the zone once the records exist, and the release step
    // runs before any of them is deleted
    const json = JSON.parse(out);
    const part = (name: string) => Object.entries<{ depends_on: string[] }>(json.resource.terraform_data).find(([id]) => id.includes(`_delegation_${name}_`))![1];
    const expected = [
      ...Object.keys(json.resource.aws_route53_zone).map((k) => `aws_route53_zone.${k}`),
      ...Object.keys(json.resource.aws_route53_record).map((k) => `aws_route53_record.${k}`),
    ];
    expect(expected).toHaveLength(3);
    const previous = Object.keys(json.resource.terraform_data).find((id) => id.includes('_delegation_previous_'));
    expect(part('bridge').depends_on.sort()).toEqual([...expected, `terraform_data.${previous}`].sort());
    expect(part('release').depends_on.sort()).toEqual(expected.sort());
    expect(out).toHaveResourceWithProperties(Route53Record, { type: 'TXT', records: ['v=spf1 -all'] });
  });

  test('zone and registrar problems are reported together, before anything is created', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(
      () =>
        new DelegatedDomain(stack, 'bad', {
          zoneName: 'bad_name.com',
          registrar: 'godady' as 'godaddy',
          destroyPolicy: 'reinstate' as 'retain',
        }),
    ).toThrow(
      [
        'test/bad: 3 problems:',
        '  - zoneName: domain name "bad_name.com" has an invalid label "bad_name" (letters, digits and inner hyphens only)',
        `  - registrar: registrar "godady" is not known (did you mean "godaddy"?); use one of ${REGISTRAR_IDS.join(', ')}`,
        '  - destroyPolicy: destroy policy "reinstate" is not known; use one of restore, retain, refuse',
      ].join('\n'),
    );
    expect(stack.node.findAll().length).toBe(2); // the stack and the empty construct
  });
});

describe('RetiredDomain', () => {
  test('in place of a DelegatedDomain: only the release block remains, at the same address, with count 0', () => {
    const live = JSON.parse(Testing.synthScope((scope) => new DelegatedDomain(scope, 'example.com', { zoneName: 'example.com', registrar: 'godaddy' })));
    const releaseId = Object.keys(live.resource.terraform_data).find((id) => id.includes('_delegation_release_'))!;
    const retired = JSON.parse(Testing.synthScope((scope) => new RetiredDomain(scope, 'example.com')));
    expect(Object.keys(retired.resource)).toEqual(['terraform_data']);
    // ...and the DNSSEC release guard, also count 0, which removes a published DS first (dnssec.test.ts).
    const dsReleaseId = Object.keys(live.resource.terraform_data).find((id) => id.includes('_dnssec_ds-release_'))!;
    expect(Object.keys(retired.resource.terraform_data)).toEqual([releaseId, dsReleaseId]);
    expect(retired.resource.terraform_data[dsReleaseId].count).toBe(0);
    expect(retired.resource.terraform_data[releaseId].count).toBe(0);
    expect(retired.resource.terraform_data[releaseId].provisioner).toEqual(live.resource.terraform_data[releaseId].provisioner);
  });
});

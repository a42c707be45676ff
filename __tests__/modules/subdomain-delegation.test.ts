import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { TerraformStack, Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest'; // matcher types (toHaveResource...); Testing.setupJest() registers them
import { HostedZone } from '../../modules/hosted-zone';
import { SubdomainDelegation } from '../../modules/subdomain-delegation';

Testing.setupJest();

describe('SubdomainDelegation', () => {
  test('creates the child zone and an NS record in the parent zone of another account', () => {
    // GIVEN a parent zone managed elsewhere, in another account reached through an aliased provider
    const out = Testing.synthScope((scope) => {
      const parentAccount = new AwsProvider(scope, 'parent', {
        region: 'us-east-1',
        alias: 'parent',
        assumeRole: [{ roleArn: 'arn:aws:iam::111111111111:role/dns' }],
      });
      const dev = new SubdomainDelegation(scope, 'dev', {
        zoneName: 'Dev.Example.com',
        parentZone: HostedZone.fromAttributes({ zoneId: 'Z0PARENT', zoneName: 'example.com' }),
        parentProvider: parentAccount,
        records: [{ type: 'A', name: 'api', values: ['192.0.2.20'] }],
      });
      dev.zone.addCnameRecord('www', 'api.dev.example.com');
    });
    const json = JSON.parse(out);
    const [childZone] = Object.keys(json.resource.aws_route53_zone);
    // THEN the child zone exists with its records, in the default account
    expect(out).toHaveResourceWithProperties(Route53Zone, { name: 'dev.example.com' });
    expect(out).toHaveResourceWithProperties(Route53Record, { name: 'api.dev.example.com', type: 'A' });
    // AND the parent gets an NS record with the child's name servers, through the parent's provider
    expect(out).toHaveResourceWithProperties(Route53Record, {
      zone_id: 'Z0PARENT',
      name: 'dev.example.com',
      type: 'NS',
      ttl: 172800,
      records: `\${aws_route53_zone.${childZone}.name_servers}`,
      provider: 'aws.parent',
    });
  });

  test('a parent zone of the same app works, with a custom TTL', () => {
    const out = Testing.synthScope((scope) => {
      const parent = new HostedZone(scope, 'parent', { zoneName: 'example.com' });
      new SubdomainDelegation(scope, 'dev', { zoneName: 'dev.example.com', parentZone: parent, delegationTtl: 300 });
    });
    const json = JSON.parse(out);
    const parentZone = Object.entries<{ name: string }>(json.resource.aws_route53_zone).find(([, z]) => z.name === 'example.com')![0];
    expect(out).toHaveResourceWithProperties(Route53Record, { type: 'NS', ttl: 300, zone_id: `\${aws_route53_zone.${parentZone}.zone_id}` });
  });

  test.each([
    ['not below the parent', { zoneName: 'dev.example.net' }, 'test/dev: zoneName: subdomain "dev.example.net" is not below the parent zone "example.com"; a delegation NS record can only be created for a name inside the parent zone'],
    ['the parent itself', { zoneName: 'example.com' }, 'subdomain "example.com" is not below the parent zone "example.com"'],
    ['bad TTL', { zoneName: 'dev.example.com', delegationTtl: -1 }, 'test/dev: delegationTtl: ttl -1 must be a whole number of seconds from 0 to 2147483647'],
  ])('%s is rejected', (_title, props, message) => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const parentZone = HostedZone.fromAttributes({ zoneId: 'Z0PARENT', zoneName: 'example.com' });
    expect(() => new SubdomainDelegation(stack, 'dev', { parentZone, ...props })).toThrow(message);
  });
});

import { Route53DelegationSet } from '@cdktf/provider-aws/lib/route53-delegation-set';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing, Token } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest'; // matcher types (toHaveResource...); Testing.setupJest() registers them
import { HostedZone, HostedZoneProps } from '../../modules/hosted-zone';

Testing.setupJest();

const synthZone = (props: HostedZoneProps, extra?: (zone: HostedZone) => void): string =>
  Testing.synthScope((scope) => {
    const zone = new HostedZone(scope, 'zone', props);
    extra?.(zone);
  });

describe('HostedZone', () => {
  test('creates a public zone with the canonical name, the default comment, no force-destroy', () => {
    // GIVEN a name with upper case, a trailing dot and an internationalised label
    const out = synthZone({ zoneName: 'Bücher.Example.' });
    // THEN the zone is created under its punycode, lower-case name
    expect(out).toHaveResourceWithProperties(Route53Zone, {
      name: 'xn--bcher-kva.example',
      comment: 'Managed by nsbridge',
      force_destroy: false,
    });
    expect(out).not.toHaveResource(Route53DelegationSet);
  });

  test('tags, comment and forceDestroy are passed through', () => {
    const out = synthZone({ zoneName: 'example.com', comment: 'Main site', tags: { team: 'web' }, forceDestroy: true });
    expect(out).toHaveResourceWithProperties(Route53Zone, { comment: 'Main site', tags: { team: 'web' }, force_destroy: true });
  });

  test('createDelegationSet creates a reusable set and puts the zone into it', () => {
    const out = synthZone({ zoneName: 'example.com', createDelegationSet: true });
    const json = JSON.parse(out);
    const [setId] = Object.keys(json.resource.aws_route53_delegation_set);
    expect(out).toHaveResourceWithProperties(Route53DelegationSet, { reference_name: 'example.com' });
    expect(out).toHaveResourceWithProperties(Route53Zone, { delegation_set_id: `\${aws_route53_delegation_set.${setId}.id}` });
  });

  test('an existing delegation set id is used as is, without its /delegationset/ prefix', () => {
    const out = synthZone({ zoneName: 'example.com', delegationSetId: '/delegationset/N1PA6795SAMPLE' });
    expect(out).toHaveResourceWithProperties(Route53Zone, { delegation_set_id: 'N1PA6795SAMPLE' });
    expect(out).not.toHaveResource(Route53DelegationSet);
  });

  test('records from props and from every helper become aws_route53_record with fully qualified names', () => {
    const out = synthZone(
      { zoneName: 'example.com', records: [{ type: 'A', name: '@', values: ['192.0.2.1'], ttl: 60 }] },
      (zone) => {
        zone.addAaaaRecord('@', ['2001:db8::1']);
        zone.addCnameRecord('www', 'example.com');
        zone.addMxRecord('@', [{ priority: 10, host: 'mx.example.net' }]);
        zone.addTxtRecord('_dmarc', ['v=DMARC1; p=none']);
        zone.addCaaRecord('@', [{ tag: 'issue', value: 'letsencrypt.org' }]);
        zone.addSrvRecord('_imaps._tcp', [{ priority: 0, weight: 1, port: 993, target: 'imap.example.net' }]);
        zone.addAliasRecord('cdn', { dnsName: 'd1.cloudfront.net', zoneId: 'Z2FDTNDATAQYW2' });
        zone.addAliasRecord('cdn', { dnsName: 'd1.cloudfront.net', zoneId: 'Z2FDTNDATAQYW2' }, 'AAAA');
        zone.addAliasRecord('site', { dnsName: '@' });
      },
    );
    expect(out).toHaveResourceWithProperties(Route53Record, { name: 'example.com', type: 'A', ttl: 60, records: ['192.0.2.1'] });
    expect(out).toHaveResourceWithProperties(Route53Record, { name: 'example.com', type: 'AAAA', ttl: 300, records: ['2001:db8::1'] });
    expect(out).toHaveResourceWithProperties(Route53Record, { name: 'www.example.com', type: 'CNAME', records: ['example.com'] });
    expect(out).toHaveResourceWithProperties(Route53Record, { name: 'example.com', type: 'MX', records: ['10 mx.example.net'] });
    expect(out).toHaveResourceWithProperties(Route53Record, { name: '_dmarc.example.com', type: 'TXT', records: ['v=DMARC1; p=none'] });
    expect(out).toHaveResourceWithProperties(Route53Record, { name: 'example.com', type: 'CAA', records: ['0 issue "letsencrypt.org"'] });
    expect(out).toHaveResourceWithProperties(Route53Record, { name: '_imaps._tcp.example.com', type: 'SRV', records: ['0 1 993 imap.example.net'] });
    expect(out).toHaveResourceWithProperties(Route53Record, {
      name: 'cdn.example.com',
      type: 'AAAA',
      alias: { name: 'd1.cloudfront.net', zone_id: 'Z2FDTNDATAQYW2', evaluate_target_health: false },
    });
    // A same-zone alias points at this zone's id.
    const json = JSON.parse(out);
    const site = Object.values<{ name: string; alias: { zone_id: string }; zone_id: string }>(json.resource.aws_route53_record).find((r) => r.name === 'site.example.com')!;
    expect(site.zone_id).toMatch(/^\$\{aws_route53_zone\.zone_[0-9A-F]+\.zone_id\}$/);
    expect(site.alias.zone_id).toBe(site.zone_id);
    expect(Object.keys(json.resource.aws_route53_record)).toHaveLength(10);
  });

  test('record and zone resources use the given provider', () => {
    const out = Testing.synthScope((scope) => {
      const other = new AwsProvider(scope, 'other', { region: 'eu-west-1', alias: 'other' });
      new HostedZone(scope, 'zone', { zoneName: 'example.com', provider: other, records: [{ type: 'A', name: '@', values: ['192.0.2.1'] }] });
    });
    expect(out).toHaveResourceWithProperties(Route53Zone, { provider: 'aws.other' });
    expect(out).toHaveResourceWithProperties(Route53Record, { provider: 'aws.other' });
  });

  test('exposes the zone id, canonical name and name servers', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const zone = new HostedZone(stack, 'zone', { zoneName: 'EXAMPLE.com' });
    expect(zone.zoneName).toBe('example.com');
    expect(Token.isUnresolved(zone.zoneId)).toBe(true);
    expect(Token.isUnresolved(zone.nameServers)).toBe(true);
    expect(HostedZone.fromAttributes({ zoneId: 'Z1', zoneName: 'Example.org.' })).toEqual({ zoneId: 'Z1', zoneName: 'example.org' });
  });

  describe('validation', () => {
    test.each<[string, HostedZoneProps, string]>([
      ['bad zone name', { zoneName: 'exa mple.com' }, 'test/zone: zoneName: domain name "exa mple.com" contains white space'],
      ['single label', { zoneName: 'localhost' }, 'test/zone: zoneName: domain name "localhost" needs at least 2 labels (for example example.com)'],
      ['too long', { zoneName: `${'a.'.repeat(130)}com` }, 'is 263 characters long; the limit is 253'],
      ['both delegation set options', { zoneName: 'example.com', createDelegationSet: true, delegationSetId: 'N1' }, 'test/zone: give only one of "delegationSetId" (an existing reusable delegation set) and "createDelegationSet" (a new one)'],
      ['bad delegation set id', { zoneName: 'example.com', delegationSetId: 'Z123' }, 'test/zone: delegationSetId: delegation set id "Z123" is not a Route 53 reusable delegation set id (e.g. N1PA6795SAMPLE, with or without the "/delegationset/" prefix)'],
      ['long comment', { zoneName: 'example.com', comment: 'c'.repeat(257) }, 'test/zone: comment: comment is 257 characters long; Route 53 allows at most 256'],
      ['tag value', { zoneName: 'example.com', tags: { owner: 'x'.repeat(257) } }, 'test/zone: tags.owner: tag "owner" has value'],
      ['bad record', { zoneName: 'example.com', records: [{ type: 'A', name: 'www', values: ['1.2.3'] }] }, 'test/zone: records[0].values[0]: "1.2.3" is not an IPv4 address (dotted decimal, e.g. 192.0.2.10)'],
    ])('%s', (_title, props, message) => {
      const stack = new TerraformStack(Testing.app(), 'test');
      expect(() => new HostedZone(stack, 'zone', props)).toThrow(message);
      // Nothing was created before the error.
      expect(stack.node.tryFindChild('zone')?.node.children ?? []).toHaveLength(0);
    });

    test('every problem is reported at once', () => {
      const stack = new TerraformStack(Testing.app(), 'test');
      expect(
        () =>
          new HostedZone(stack, 'zone', {
            zoneName: 'example.com',
            comment: 'c'.repeat(300),
            records: [
              { type: 'A', name: '@', values: ['192.0.2.300'] },
              { type: 'CNAME', name: '@', values: ['example.net'] },
            ],
          }),
      ).toThrow(
        [
          'test/zone: 4 problems:',
          '  - comment: comment is 300 characters long; Route 53 allows at most 256',
          '  - records[0].values[0]: "192.0.2.300" is not an IPv4 address (dotted decimal, e.g. 192.0.2.10)',
          '  - records[1].name: a CNAME record cannot be at the zone apex "example.com" (DNS forbids other data next to a CNAME, and the apex always has SOA and NS); use an alias A/AAAA record instead',
          '  - records[1]: a CNAME record at "example.com" cannot coexist with an A record of the same name; keep one of them',
        ].join('\n'),
      );
    });

    test('a helper call with a conflicting record throws with the record named', () => {
      const stack = new TerraformStack(Testing.app(), 'test');
      const zone = new HostedZone(stack, 'zone', { zoneName: 'example.com' });
      zone.addARecord('www', ['192.0.2.1']);
      expect(() => zone.addCnameRecord('www', 'example.net')).toThrow(
        'test/zone CNAME record "www": a CNAME record at "www.example.com" cannot coexist with an A record of the same name; keep one of them',
      );
      expect(() => zone.addARecord('www', ['192.0.2.2'])).toThrow('there are two A records for "www.example.com"');
    });

    test('unresolved tokens are not validated', () => {
      const out = Testing.synthScope((scope) => {
        const other = new HostedZone(scope, 'other', { zoneName: 'example.net' });
        const zone = new HostedZone(scope, 'zone', { zoneName: 'example.com', comment: other.zoneId, delegationSetId: other.zoneId });
        zone.addARecord('www', [other.zoneId]);
        zone.addCnameRecord('api', other.zoneName);
      });
      expect(out).toHaveResourceWithProperties(Route53Record, { name: 'www.example.com', type: 'A' });
    });
  });
});

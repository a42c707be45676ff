/**
 * A child zone (e.g. dev.example.com) delegated from its parent Route 53 zone by an NS record,
 * also across AWS accounts: pass an aliased AWS provider for the parent's account.
 *
 * No registrar is involved: the parent zone is the "registrar" of a subdomain.
 */
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import * as E from './errors';
import { checkZoneProps, HostedZone, HostedZoneProps, IHostedZone } from './hosted-zone';
import { checkRecords, MAX_TTL, MIN_TTL } from './record-values';

/** Route 53 uses two days for the NS records it creates; parents conventionally do the same. */
export const DEFAULT_DELEGATION_TTL = 172_800;

export interface SubdomainDelegationProps extends HostedZoneProps {
  /**
   * The parent zone that gets the NS record: a `HostedZone` of this app, or
   * `HostedZone.fromAttributes({ zoneId, zoneName })` for one managed elsewhere.
   */
  readonly parentZone: IHostedZone;

  /**
   * AWS provider used for the NS record in the parent zone: an aliased provider that assumes a
   * role in the parent zone's account when it differs from the child's.
   * @default - the child zone's `provider`, or the stack's default AWS provider
   */
  readonly parentProvider?: TerraformProvider;

  /**
   * TTL of the NS record in the parent zone, in seconds.
   * @default 172800 (two days)
   */
  readonly delegationTtl?: number;
}

/**
 * @example
 * const parent = HostedZone.fromAttributes({ zoneId: 'Z0123456789ABC', zoneName: 'example.com' });
 * const dev = new SubdomainDelegation(stack, 'dev', {
 *   zoneName: 'dev.example.com',
 *   parentZone: parent,
 *   parentProvider: new AwsProvider(stack, 'dns-account', { alias: 'dns', assumeRole: [{ roleArn }] }),
 * });
 * dev.zone.addARecord('api', ['192.0.2.20']);
 */
export class SubdomainDelegation extends Construct {
  public readonly zone: HostedZone;
  /** The NS record in the parent zone. */
  public readonly delegationRecord: Route53Record;

  constructor(scope: Construct, id: string, props: SubdomainDelegationProps) {
    super(scope, id);

    const { problems, zoneName } = checkZoneProps(props);
    if (zoneName !== undefined && props.records) {
      for (const p of checkRecords(props.records, zoneName, Token.isUnresolved).problems) {
        problems.push(E.atPath(['records', ...p.path], p.message));
      }
    }
    const parentName = props.parentZone.zoneName;
    if (zoneName !== undefined && !Token.isUnresolved(zoneName) && !Token.isUnresolved(parentName)) {
      if (!zoneName.endsWith(`.${parentName}`)) problems.push(E.atPath(['zoneName'], E.subdomainNotUnderParent(zoneName, parentName)));
    }
    const ttl = props.delegationTtl;
    if (ttl !== undefined && !Token.isUnresolved(ttl) && !(Number.isInteger(ttl) && ttl >= MIN_TTL && ttl <= MAX_TTL)) {
      problems.push(E.atPath(['delegationTtl'], E.invalidTtl(ttl, MIN_TTL, MAX_TTL)));
    }
    if (problems.length > 0) throw new E.NsbridgeValidationError(this.node.path, problems);

    this.zone = new HostedZone(this, 'zone', props);
    this.delegationRecord = new Route53Record(this, 'parent-ns', {
      zoneId: props.parentZone.zoneId,
      name: this.zone.zoneName,
      type: 'NS',
      ttl: ttl ?? DEFAULT_DELEGATION_TTL,
      records: this.zone.nameServers,
      provider: props.parentProvider ?? props.provider,
    });
  }
}

/**
 * A public Route 53 hosted zone with typed record helpers.
 *
 * Only deep imports of the AWS provider (`@cdktf/provider-aws/lib/<resource>`): the package root
 * re-exports every AWS service and costs seconds and hundreds of MB at synth.
 */
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { checkDomainName } from '../core/names';
import { ReusableDelegationSet } from './delegation-set';
import { dnssecOptionsOf } from './dnssec-options';
import * as E from './errors';
import {
  AliasTarget,
  CaaValue,
  checkRecord,
  checkRecords,
  MxValue,
  RecordSetRegistry,
  RecordSpec,
  RenderedRecord,
  SrvValue,
} from './record-values';
import { ZoneSigning } from './zone-signing';

/** What other constructs need to know about a zone (also for zones not managed here). */
export interface IHostedZone {
  /** The hosted zone id, e.g. Z0123456789ABCDEFGHIJ (a token until apply for managed zones). */
  readonly zoneId: string;
  /** The zone's domain name in canonical form: ASCII (punycode), lower case, no trailing dot. */
  readonly zoneName: string;
}

/** Options shared by the record helpers. */
export interface RecordOptions {
  /**
   * Time to live in seconds (0 to 2147483647).
   * @default 300
   */
  readonly ttl?: number;
}

/** Options of `HostedZoneProps.dnssec` (the zone side of DNSSEC). */
export interface HostedZoneDnssecOptions {
  /**
   * AWS provider for the KMS key that signs the zone. The key is created in us-east-1 (the only
   * region Route 53 DNSSEC takes keys from) through the provider's per-resource region, so this
   * is needed only to manage the key with other credentials.
   * @default - the zone's provider
   */
  readonly kmsProvider?: TerraformProvider;
  /**
   * One key per named generation (see `DnssecPublishingOptions.keyGeneration`): the KSK of
   * `previousKeyGeneration` is kept next to the current one while a roll retires it.
   * @default - one key
   */
  readonly keyGeneration?: string;
  /** @see DnssecPublishingOptions.previousKeyGeneration */
  readonly previousKeyGeneration?: string;
}

export interface HostedZoneProps {
  /**
   * The domain name of the zone, e.g. `example.com`. Case, a trailing dot and internationalised
   * labels are normalised (IDN is converted to punycode, as DNS stores it).
   */
  readonly zoneName: string;

  /**
   * Comment shown in the Route 53 console.
   * @default "Managed by nsbridge"
   */
  readonly comment?: string;

  /**
   * Tags on the hosted zone (keys up to 128 characters, values up to 256).
   * @default - no tags besides the provider's default_tags
   */
  readonly tags?: Readonly<Record<string, string>>;

  /**
   * Delete every record in the zone when the zone is destroyed, including records Terraform does
   * not manage (e.g. ACM validation records created by other tools).
   *
   * **Warning**: with `false` a zone holding unmanaged records fails to destroy
   * (HostedZoneNotEmpty), which is usually what you want for a live domain.
   * @default false
   */
  readonly forceDestroy?: boolean;

  /**
   * Id of an existing reusable delegation set (e.g. `N1PA6795SAMPLE`), so the zone gets that set's
   * four name servers: "white-label" or stable name servers across accounts and re-creations.
   * Mutually exclusive with `createDelegationSet`.
   * @default - Route 53 picks four name servers for this zone
   * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateReusableDelegationSet.html
   */
  readonly delegationSetId?: string;

  /**
   * Create a reusable delegation set for this zone, so its name servers stay the same when the
   * zone is destroyed and created again (the registrar then needs no update).
   * Mutually exclusive with `delegationSetId`.
   * @default false
   */
  readonly createDelegationSet?: boolean;

  /**
   * Records to create with the zone. More can be added with the `add...Record` methods.
   * @default - none (Route 53 always creates the apex SOA and NS records itself)
   */
  readonly records?: readonly RecordSpec[];

  /**
   * AWS provider for the zone and its records (for example an aliased provider for another
   * account).
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;

  /**
   * Sign the zone with DNSSEC: a KMS key (ECC_NIST_P256, SIGN_VERIFY, us-east-1, with the key
   * policy Route 53 needs), an active key-signing key, and signing turned on (see zone-signing.ts).
   * Publishing the DS at the registrar is `DelegatedDomain`'s (or `DnssecDelegation`'s) part.
   * Turning it off deletes them: only do that once no DS is published for the zone.
   * @default false
   */
  readonly dnssec?: boolean | HostedZoneDnssecOptions;
}

export const DEFAULT_ZONE_COMMENT = 'Managed by nsbridge';
const DELEGATION_SET_ID = /^(?:\/delegationset\/)?N[A-Z0-9]{1,31}$/;

/** Problems with the zone-level props (records are checked separately). */
export function checkZoneProps(props: HostedZoneProps): { problems: string[]; zoneName?: string } {
  const problems: string[] = [];
  let zoneName: string | undefined;
  if (Token.isUnresolved(props.zoneName)) {
    zoneName = props.zoneName;
  } else {
    const r = checkDomainName(props.zoneName);
    if (r.ok) zoneName = r.value;
    else problems.push(E.atPath(['zoneName'], E.invalidDomainName(props.zoneName, r.reason)));
  }
  if (props.comment !== undefined && !Token.isUnresolved(props.comment) && props.comment.length > 256) {
    problems.push(E.atPath(['comment'], E.commentTooLong(props.comment.length)));
  }
  for (const [key, value] of Object.entries(props.tags ?? {})) {
    if (key.length < 1 || key.length > 128) problems.push(E.atPath(['tags', key], E.invalidTagKey(key)));
    if (!Token.isUnresolved(value) && (typeof value !== 'string' || value.length > 256)) {
      problems.push(E.atPath(['tags', key], E.invalidTagValue(key, value)));
    }
  }
  if (props.delegationSetId !== undefined && props.createDelegationSet) {
    problems.push(E.delegationSetBothGiven());
  } else if (
    props.delegationSetId !== undefined &&
    !Token.isUnresolved(props.delegationSetId) &&
    !DELEGATION_SET_ID.test(props.delegationSetId)
  ) {
    problems.push(E.atPath(['delegationSetId'], E.invalidDelegationSetId(props.delegationSetId)));
  }
  return { problems, zoneName };
}

/**
 * A public Route 53 hosted zone (`aws_route53_zone`) and its records.
 *
 * @example
 * const zone = new HostedZone(stack, 'example.com', { zoneName: 'example.com' });
 * zone.addARecord('www', ['192.0.2.10']);
 * zone.addMxRecord('@', [{ priority: 10, host: 'mx1.example.net' }]);
 */
export class HostedZone extends Construct implements IHostedZone {
  /** A zone managed elsewhere, for `SubdomainDelegation.parentZone` and similar. */
  static fromAttributes(attrs: IHostedZone): IHostedZone {
    const zoneName = Token.isUnresolved(attrs.zoneName) ? attrs.zoneName : checkDomainName(attrs.zoneName);
    if (typeof zoneName !== 'string' && !zoneName.ok) {
      throw new E.NsbridgeValidationError('HostedZone.fromAttributes', [E.invalidDomainName(attrs.zoneName, zoneName.reason)]);
    }
    return { zoneId: attrs.zoneId, zoneName: typeof zoneName === 'string' ? zoneName : zoneName.value };
  }

  /** The `aws_route53_zone` resource. */
  public readonly resource: Route53Zone;
  /** The delegation set created for this zone (`createDelegationSet: true`), if any. */
  public readonly delegationSet?: ReusableDelegationSet;
  /** The hosted zone id (a token, known after apply). */
  public readonly zoneId: string;
  /** The zone's name in canonical form (punycode, lower case, no trailing dot). */
  public readonly zoneName: string;
  /**
   * The zone's name servers, as Route 53 assigned them (a list token, known after apply).
   * With a delegation set these are the set's name servers.
   */
  public readonly nameServers: string[];
  /** The DNSSEC signing resources, when `dnssec` is on. */
  public readonly signing?: ZoneSigning;

  private readonly provider?: TerraformProvider;
  private readonly registry = new RecordSetRegistry();
  private readonly recordResources: Route53Record[] = [];

  constructor(scope: Construct, id: string, props: HostedZoneProps) {
    super(scope, id);

    // Validate everything before creating any child, and report all problems at once.
    const { problems, zoneName } = checkZoneProps(props);
    const checked = zoneName !== undefined && props.records ? checkRecords(props.records, zoneName, Token.isUnresolved) : undefined;
    for (const p of checked?.problems ?? []) problems.push(E.atPath(['records', ...p.path], p.message));
    if (problems.length > 0 || zoneName === undefined) throw new E.NsbridgeValidationError(this.node.path, problems);

    this.provider = props.provider;
    this.zoneName = zoneName;

    let delegationSetId = props.delegationSetId?.replace(/^\/delegationset\//, '');
    if (props.createDelegationSet) {
      this.delegationSet = new ReusableDelegationSet(this, 'delegation-set', {
        // The provider builds the CallerReference from it plus a 26-character unique suffix, and
        // Route 53 caps CallerReference at 128 characters: keep the label short.
        referenceName: Token.isUnresolved(zoneName) ? undefined : zoneName.slice(0, 64),
        provider: props.provider,
      });
      delegationSetId = this.delegationSet.delegationSetId;
    }

    this.resource = new Route53Zone(this, 'zone', {
      name: zoneName,
      comment: props.comment ?? DEFAULT_ZONE_COMMENT,
      forceDestroy: props.forceDestroy ?? false,
      delegationSetId,
      tags: props.tags && Object.keys(props.tags).length > 0 ? { ...props.tags } : undefined,
      provider: props.provider,
    });
    this.zoneId = this.resource.zoneId;
    this.nameServers = this.resource.nameServers;

    const dnssec = dnssecOptionsOf(props.dnssec);
    if (dnssec) {
      this.signing = new ZoneSigning(this, 'signing', {
        hostedZoneId: this.zoneId,
        zoneName,
        provider: props.provider,
        kmsProvider: dnssec.kmsProvider,
        tags: props.tags,
        generations: dnssec.keyGeneration === undefined ? undefined : { current: dnssec.keyGeneration, previous: dnssec.previousKeyGeneration },
      });
    }

    for (const rendered of checked?.rendered ?? []) this.createRecord(rendered);
  }

  /** Every `aws_route53_record` created in this zone so far. */
  public get records(): readonly Route53Record[] {
    return this.recordResources;
  }

  /** Add any record described as data (the form `HostedZoneProps.records` and domains.yaml use). */
  public addRecord(spec: RecordSpec): Route53Record {
    const r = checkRecord(spec, this.zoneName, Token.isUnresolved);
    const problems = r.problems.map((p) => E.atPath(p.path, p.message));
    if (r.rendered) problems.push(...this.registry.conflicts(r.rendered.fqdn, r.rendered.type));
    if (problems.length > 0 || !r.rendered) {
      throw new E.NsbridgeValidationError(`${this.node.path} ${spec.type} record ${JSON.stringify(spec.name)}`, problems);
    }
    return this.createRecord(r.rendered);
  }

  /** IPv4 addresses. */
  public addARecord(name: string, addresses: string[], options: RecordOptions = {}): Route53Record {
    return this.addRecord({ type: 'A', name, values: addresses, ttl: options.ttl });
  }

  /** IPv6 addresses. */
  public addAaaaRecord(name: string, addresses: string[], options: RecordOptions = {}): Route53Record {
    return this.addRecord({ type: 'AAAA', name, values: addresses, ttl: options.ttl });
  }

  /** An alias for another name (not at the apex: use an alias record there). */
  public addCnameRecord(name: string, target: string, options: RecordOptions = {}): Route53Record {
    return this.addRecord({ type: 'CNAME', name, values: [target], ttl: options.ttl });
  }

  /** Mail exchangers. */
  public addMxRecord(name: string, values: MxValue[], options: RecordOptions = {}): Route53Record {
    return this.addRecord({ type: 'MX', name, values, ttl: options.ttl });
  }

  /** Text values, given as plain text: quoting, escaping and 255-byte splitting are done here. */
  public addTxtRecord(name: string, values: string[], options: RecordOptions = {}): Route53Record {
    return this.addRecord({ type: 'TXT', name, values, ttl: options.ttl });
  }

  /** Certificate authority authorisation. */
  public addCaaRecord(name: string, values: CaaValue[], options: RecordOptions = {}): Route53Record {
    return this.addRecord({ type: 'CAA', name, values, ttl: options.ttl });
  }

  /** Service locations; `name` must start with `_service._protocol`. */
  public addSrvRecord(name: string, values: SrvValue[], options: RecordOptions = {}): Route53Record {
    return this.addRecord({ type: 'SRV', name, values, ttl: options.ttl });
  }

  /**
   * A Route 53 alias record: answers with the target's current addresses (CloudFront, load
   * balancers, S3 websites, another record of this zone). Works at the apex, unlike CNAME.
   * @param recordType A (default) or AAAA; create both for a dual-stack target.
   */
  public addAliasRecord(name: string, target: AliasTarget, recordType: 'A' | 'AAAA' = 'A'): Route53Record {
    return this.addRecord({ type: recordType, name, alias: target });
  }

  private createRecord(r: RenderedRecord): Route53Record {
    this.registry.add(r.fqdn, r.type);
    // The construct id is the name relative to the zone plus the type: stable when records are
    // reordered in the configuration, so Terraform sees no change.
    const relative = r.fqdn === this.zoneName ? '@' : r.fqdn.endsWith(`.${this.zoneName}`) ? r.fqdn.slice(0, -this.zoneName.length - 1) : r.fqdn;
    const record = new Route53Record(this, `${relative}-${r.type}`, {
      zoneId: this.zoneId,
      name: r.fqdn,
      type: r.type,
      ttl: r.ttl,
      records: r.records,
      alias: r.alias
        ? { name: r.alias.name, zoneId: r.alias.zoneId ?? this.zoneId, evaluateTargetHealth: r.alias.evaluateTargetHealth }
        : undefined,
      provider: this.provider,
    });
    this.recordResources.push(record);
    return record;
  }
}

/**
 * DNSSEC signing of a Route 53 hosted zone: what `HostedZone`'s `dnssec` option creates.
 *
 *  - `aws_kms_key` "dnssec-key": the key-signing key's private half. Route 53 requires a customer
 *    managed, asymmetric ECC_NIST_P256 key with SIGN_VERIFY usage in us-east-1, whose key policy
 *    lets the Route 53 DNSSEC service use it. The AWS provider 6.x takes a per-resource `region`,
 *    so the key is created in us-east-1 whatever region the stack's provider uses: no second
 *    provider (and no copy of its credentials and role settings) is needed. `kmsProvider` is still
 *    accepted, for a key managed with other credentials.
 *  - `aws_route53_key_signing_key` "key-signing-key" (status ACTIVE): its `dnskey_record`
 *    ("257 3 13 <base64>") and `ds_record` are what the parent zone needs.
 *  - `aws_route53_hosted_zone_dnssec` "dnssec": turns signing on; depends on the KSK (Route 53
 *    refuses to sign a zone without an active KSK, and signing must stop before the KSK goes).
 *
 * The key and the KSK are `create_before_destroy`: a key roll (`terraform apply -replace=<the KMS
 * key's address>`) creates the new key and KSK (Route 53 then signs with both), the DS bridge
 * publishes the new DS, and only then the old KSK and key are deleted. The KSK's name includes
 * the key id, because two KSKs of one zone must have different names.
 *
 * The account id and partition for the key policy come from `aws_caller_identity` and
 * `aws_partition` data sources created once per stack and provider, and only in stacks that sign a
 * zone: the 1,000-domain synth without DNSSEC does not pay for any of this.
 *
 * Deep imports only (see hosted-zone.ts).
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Route53HostedZoneDnssec } from '@cdktf/provider-aws/lib/route53-hosted-zone-dnssec';
import { Route53KeySigningKey } from '@cdktf/provider-aws/lib/route53-key-signing-key';
import { Fn, ITerraformDependable, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { LEGACY_GENERATION } from './dnssec-options';

/** Route 53 DNSSEC uses KMS keys in this region only. */
export const DNSSEC_KMS_REGION = 'us-east-1';
/** The service principal Route 53 DNSSEC signs as. */
export const DNSSEC_SERVICE_PRINCIPAL = 'dnssec-route53.amazonaws.com';

export interface ZoneSigningProps {
  /** The hosted zone's id (a token). */
  readonly hostedZoneId: string;
  /** For the key's description. */
  readonly zoneName: string;
  /** Provider of the zone (and of the data sources); @default the stack's default AWS provider */
  readonly provider?: TerraformProvider;
  /** Provider of the KMS key; @default the zone's provider (the key is in us-east-1 either way) */
  readonly kmsProvider?: TerraformProvider;
  /** Tags on the KMS key. */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Keys by generation (the stepwise roll-out, modules/dnssec-rollout.ts): one key and KSK per
   * named generation, the previous one kept while a roll retires it. "legacy" names the key made
   * without generations (the ids without a suffix).
   * @default - one key, replaced by `-replace` (the one-deploy flow)
   */
  readonly generations?: { readonly current: string; readonly previous?: string };
}

/** Construct ids of the parts (part of the Terraform addresses: never rename them). */
const IDS = { key: 'dnssec-key', ksk: 'key-signing-key', signing: 'dnssec' } as const;

/**
 * The key policy AWS documents for Route 53 DNSSEC ("Configuring DNSSEC signing", customer
 * managed key permissions): the DNSSEC service may describe the key, read its public key and sign,
 * only on behalf of this account's hosted zones (confused-deputy conditions), and may create
 * grants for AWS resources; the account root keeps full control, so IAM policies can grant the
 * rest and the key can never become unmanageable.
 */
export function dnssecKeyPolicy(accountId: string, partition: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Allow Route 53 DNSSEC Service',
        Effect: 'Allow',
        Principal: { Service: DNSSEC_SERVICE_PRINCIPAL },
        Action: ['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Sign'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': accountId },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:route53:::hostedzone/*` },
        },
      },
      {
        Sid: 'Allow Route 53 DNSSEC Service to CreateGrant',
        Effect: 'Allow',
        Principal: { Service: DNSSEC_SERVICE_PRINCIPAL },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  });
}

/** The account and partition data sources, one pair per stack and provider. */
function accountOf(scope: IConstruct, provider: TerraformProvider | undefined): { accountId: string; partition: string } {
  const stack = TerraformStack.of(scope);
  let byProvider = accounts.get(stack);
  if (!byProvider) accounts.set(stack, (byProvider = new Map()));
  let found = byProvider.get(provider);
  if (!found) {
    const suffix = provider ? `-${provider.node.id}` : '';
    const identity = new DataAwsCallerIdentity(stack, `nsbridge-caller-identity${suffix}`, { provider });
    const partition = new DataAwsPartition(stack, `nsbridge-partition${suffix}`, { provider });
    found = { accountId: identity.accountId, partition: partition.partition };
    byProvider.set(provider, found);
  }
  return found;
}
const accounts = new WeakMap<TerraformStack, Map<TerraformProvider | undefined, { accountId: string; partition: string }>>();

/** The three resources that sign a hosted zone. */
export class ZoneSigning extends Construct {
  public readonly kmsKey: KmsKey;
  public readonly keySigningKey: Route53KeySigningKey;
  /** The previous generation's KSK, while a roll retires it. */
  public readonly previousKeySigningKey?: Route53KeySigningKey;
  /** `aws_route53_hosted_zone_dnssec`: signing on. */
  public readonly signing: Route53HostedZoneDnssec;
  /** "257 3 13 <base64>": what `nsbridge ds set --dnskey` takes. */
  public readonly dnskeyRecord: string;
  /** "<key tag> 13 2 <hex digest>": the DS to enter at a registrar by hand. */
  public readonly dsRecord: string;

  constructor(scope: Construct, id: string, props: ZoneSigningProps) {
    super(scope, id);
    const { accountId, partition } = accountOf(this, props.provider);
    const suffix = (generation: string | undefined) => (generation === undefined || generation === LEGACY_GENERATION ? '' : `-${generation}`);
    const current = this.createKey(props, accountId, partition, suffix(props.generations?.current));
    this.kmsKey = current.kmsKey;
    this.keySigningKey = current.ksk;
    const previous = props.generations?.previous;
    this.previousKeySigningKey = previous === undefined ? undefined : this.createKey(props, accountId, partition, suffix(previous)).ksk;
    this.signing = new Route53HostedZoneDnssec(this, IDS.signing, {
      hostedZoneId: props.hostedZoneId,
      signingStatus: 'SIGNING',
      dependsOn: [this.keySigningKey, ...(this.previousKeySigningKey ? [this.previousKeySigningKey] : [])],
      provider: props.provider,
    });
    this.dnskeyRecord = this.keySigningKey.dnskeyRecord;
    this.dsRecord = this.keySigningKey.dsRecord;
  }

  /** One KMS key and its KSK; `suffix` tells generations apart in the addresses. */
  private createKey(props: ZoneSigningProps, accountId: string, partition: string, suffix: string): { kmsKey: KmsKey; ksk: Route53KeySigningKey } {
    const kmsKey = new KmsKey(this, `${IDS.key}${suffix}`, {
      description: `nsbridge DNSSEC key-signing key for ${props.zoneName}`,
      customerMasterKeySpec: 'ECC_NIST_P256',
      keyUsage: 'SIGN_VERIFY',
      region: DNSSEC_KMS_REGION,
      policy: dnssecKeyPolicy(accountId, partition),
      tags: props.tags && Object.keys(props.tags).length > 0 ? { ...props.tags } : undefined,
      provider: props.kmsProvider ?? props.provider,
      lifecycle: { createBeforeDestroy: true },
    });
    const ksk = new Route53KeySigningKey(this, `${IDS.ksk}${suffix}`, {
      hostedZoneId: props.hostedZoneId,
      keyManagementServiceArn: kmsKey.arn,
      // Letters, digits and underscores, unique within the zone: the old and the new KSK of a roll
      // exist side by side.
      name: `nsbridge_${Fn.replace(kmsKey.keyId, '-', '')}`,
      status: 'ACTIVE',
      provider: props.provider,
      lifecycle: { createBeforeDestroy: true },
    });
    return { kmsKey, ksk };
  }

  /** What the DS must be published after, and removed before: the KSK and signing. */
  public get signingResources(): ITerraformDependable[] {
    return [this.keySigningKey, this.signing];
  }
}

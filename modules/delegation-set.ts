/**
 * A Route 53 reusable delegation set: four name servers that outlive any one hosted zone.
 *
 * Why: without one, Route 53 picks new name servers every time a zone is created, so destroying
 * and re-creating a zone means a registrar update (and a window of broken resolution). A zone
 * created with a reusable set always gets the set's name servers. One set can serve many zones
 * (up to 100 by default), but never two zones where one is a subdomain of the other
 * (ConflictingDomainExists).
 * @see https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateReusableDelegationSet.html
 */
import { Route53DelegationSet } from '@cdktf/provider-aws/lib/route53-delegation-set';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';

export interface ReusableDelegationSetProps {
  /**
   * A name to recognise the set by (Route 53 has no tags on delegation sets).
   * @default - none
   */
  readonly referenceName?: string;

  /**
   * AWS provider to create the set with.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

export class ReusableDelegationSet extends Construct {
  /** The `aws_route53_delegation_set` resource. */
  public readonly resource: Route53DelegationSet;
  /** The set's id (e.g. N1PA6795SAMPLE), a token until apply. */
  public readonly delegationSetId: string;
  /** The set's four name servers, a list token until apply. */
  public readonly nameServers: string[];

  constructor(scope: Construct, id: string, props: ReusableDelegationSetProps = {}) {
    super(scope, id);
    this.resource = new Route53DelegationSet(this, 'set', {
      referenceName: props.referenceName,
      provider: props.provider,
    });
    this.delegationSetId = this.resource.id;
    this.nameServers = this.resource.nameServers;
  }
}

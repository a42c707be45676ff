/**
 * A Terraform stack holding a list of delegated domains, with its AWS provider and state backend:
 * what main.ts builds per entry of domains.yaml's `stacks:`. Usable on its own by apps that keep
 * their domain list elsewhere.
 */
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, LocalBackend, S3Backend, S3BackendConfig, TerraformElement, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct, Node } from 'constructs';
import { checkDomainName } from '../core/names';
import { SKIP_TERRAFORM_VERSION_CHECK } from './cli-asset';
import { DelegatedDomain, DelegatedDomainProps, RetiredDomain } from './delegated-domain';
import { ReusableDelegationSet } from './delegation-set';
import { LOCKFILE_REQUIRED_VERSION, TERRAFORM_REQUIRED_VERSION } from './terraform-version';

/** How the stack's AWS provider authenticates and where it points. */
export interface AwsSettings {
  /**
   * Region for the provider. Route 53 is global; the region only matters for the API endpoint
   * used to sign requests.
   * @default "us-east-1"
   */
  readonly region?: string;
  /**
   * Named profile from the shared AWS config/credentials files.
   * @default - the standard credential chain (environment, SSO, instance role, ...)
   */
  readonly profile?: string;
  /**
   * Role to assume for every AWS call of this stack (e.g. the DNS account's deploy role).
   * @default - no role: the credentials are used as they are
   */
  readonly assumeRole?: { readonly roleArn: string; readonly sessionName?: string; readonly externalId?: string };
  /**
   * Refuse to run against any other account: a guard against applying with the wrong credentials.
   * @default - any account
   */
  readonly allowedAccountIds?: readonly string[];
}

/** Terraform state: a local file (default) or S3 with locking. */
export type BackendSettings =
  | {
      readonly type: 'local';
      /**
       * State file path. Absolute paths are written relative to the stack's directory in
       * cdktf.out, so the synthesized configuration does not embed this machine's layout.
       */
      readonly path: string;
    }
  | {
      readonly type: 's3';
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      /**
       * S3-native state locking (a `.tflock` object next to the state): needs Terraform/OpenTofu
       * 1.10 or later, which the stack then states in `required_version`.
       * @default - true when no `dynamodbTable` is given, otherwise false (DynamoDB locks alone)
       */
      readonly useLockfile?: boolean;
      /**
       * DynamoDB table for locking (partition key `LockID`, a string): the mechanism every engine
       * from the floor (Terraform 1.5, OpenTofu 1.6) up understands. May be combined with `useLockfile`.
       */
      readonly dynamodbTable?: string;
      /** @default true */
      readonly encrypt?: boolean;
      readonly kmsKeyId?: string;
      readonly profile?: string;
      /** Role to assume for state access (e.g. in a central state account). */
      readonly roleArn?: string;
      readonly workspaceKeyPrefix?: string;
    };

/** One domain of the stack: DelegatedDomain props, with the stack supplying provider and CLI. */
export interface LiveDomainEntry extends Omit<DelegatedDomainProps, 'provider' | 'cliBundlePath'> {
  /**
   * Use the stack's shared delegation set (`DomainsStackProps.delegationSet`).
   * @default false
   */
  readonly useStackDelegationSet?: boolean;
  readonly retired?: false;
}

/**
 * A domain being removed (see `RetiredDomain`): the next apply runs its destroy policy and deletes
 * its zone; after that apply the entry can be dropped.
 */
export interface RetiredDomainEntry {
  /** The domain, as it was given before (it determines the Terraform addresses). */
  readonly zoneName: string;
  readonly retired: true;
}

export type DomainEntry = LiveDomainEntry | RetiredDomainEntry;

export interface DomainsStackProps {
  readonly domains: readonly DomainEntry[];
  /** @default - region us-east-1, the standard credential chain */
  readonly aws?: AwsSettings;
  /**
   * Tags put on every taggable resource of the stack (the provider's default_tags).
   * @default - none
   */
  readonly defaultTags?: Readonly<Record<string, string>>;
  /** @default - local state in terraform.<stack>.tfstate in the current directory */
  readonly backend?: BackendSettings;
  /**
   * A reusable delegation set shared by the domains that ask for it (`useStackDelegationSet`):
   * `{ create: true }` makes one in this stack, `{ id }` uses an existing one.
   * @default - none
   */
  readonly delegationSet?: { readonly create: true } | { readonly id: string };
  /**
   * Path of the nsbridge CLI bundle shipped with the stack.
   * @default - dist/nsbridge.js of this package
   */
  readonly cliBundlePath?: string;
}

export class DomainsStack extends TerraformStack {
  public readonly provider: AwsProvider;
  public readonly domains: DelegatedDomain[] = [];
  /** The entries with `retired: true`. */
  public readonly retiredDomains: RetiredDomain[] = [];
  public readonly sharedDelegationSet?: ReusableDelegationSet;

  constructor(scope: Construct, id: string, props: DomainsStackProps) {
    super(scope, id);
    // TERRAFORM_REQUIRED_VERSION (check blocks, terraform_data); S3-native locking needs 1.10. Stating it here
    // lets terraform/tofu check it at init, instead of cdktf spawning `terraform version` at synth
    // (which would make synth fail on machines without terraform, like the CI synth job).
    this.node.setContext(SKIP_TERRAFORM_VERSION_CHECK, true);
    this.addOverride('terraform.required_version', s3LocksWithLockfile(props.backend) ? LOCKFILE_REQUIRED_VERSION : TERRAFORM_REQUIRED_VERSION);

    this.configureBackend(id, props.backend);

    const aws = props.aws ?? {};
    this.provider = new AwsProvider(this, 'aws', {
      region: aws.region ?? 'us-east-1',
      profile: aws.profile,
      assumeRole: aws.assumeRole
        ? [{ roleArn: aws.assumeRole.roleArn, sessionName: aws.assumeRole.sessionName, externalId: aws.assumeRole.externalId }]
        : undefined,
      allowedAccountIds: aws.allowedAccountIds ? [...aws.allowedAccountIds] : undefined,
      defaultTags: props.defaultTags && Object.keys(props.defaultTags).length > 0 ? [{ tags: { ...props.defaultTags } }] : undefined,
    });

    let sharedSetId: string | undefined;
    if (props.delegationSet && 'create' in props.delegationSet) {
      this.sharedDelegationSet = new ReusableDelegationSet(this, 'delegation-set', { referenceName: `nsbridge-${id}` });
      sharedSetId = this.sharedDelegationSet.delegationSetId;
    } else if (props.delegationSet) {
      sharedSetId = props.delegationSet.id;
    }

    for (const entry of props.domains) {
      // The construct id is the canonical domain name: logical ids stay the same when the list
      // is reordered (or the name is respelled: case, trailing dot), so that plans no change.
      const canonical = checkDomainName(entry.zoneName);
      const id = canonical.ok ? canonical.value : entry.zoneName;
      if (entry.retired) {
        this.retiredDomains.push(new RetiredDomain(this, id, { cliBundlePath: props.cliBundlePath }));
        continue;
      }
      const { useStackDelegationSet, retired: _live, ...domainProps } = entry;
      const domain = new DelegatedDomain(this, id, {
        ...domainProps,
        delegationSetId: useStackDelegationSet ? sharedSetId : domainProps.delegationSetId,
        cliBundlePath: props.cliBundlePath,
      });
      this.domains.push(domain);
    }
    if (this.domains.length > 0) {
      new TerraformOutput(this, DOMAINS_OUTPUT, {
        staticId: true,
        description: 'Per domain: its Route 53 zone id, the name servers (sorted) and the registrar pointed at them',
        value: Object.fromEntries(this.domains.map((d) => [d.zone.zoneName, domainOutputValue(d)])),
      });
    }
  }

  /**
   * cdktf computes a logical id (an MD5 of the construct path) every time an element's name is
   * needed: for its own block and for every reference to it. At 1,000 domains that was ~10% of the
   * synth. A construct's path never changes once it exists, so the id is computed once per element.
   * (An `overrideLogicalId` still wins: cdktf checks it before asking the stack.)
   */
  protected override allocateLogicalId(element: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(element) ? element.node : element;
    let id = this.logicalIds.get(node);
    if (id === undefined) {
      id = super.allocateLogicalId(element);
      this.logicalIds.set(node, id);
    }
    return id;
  }

  private readonly logicalIds = new WeakMap<Node, string>();

  private configureBackend(id: string, backend: BackendSettings | undefined): void {
    if (backend?.type === 's3') {
      const config: S3BackendConfig & { useLockfile?: boolean } = {
        bucket: backend.bucket,
        key: backend.key,
        region: backend.region,
        encrypt: backend.encrypt ?? true,
        kmsKeyId: backend.kmsKeyId,
        profile: backend.profile,
        dynamodbTable: backend.dynamodbTable,
        workspaceKeyPrefix: backend.workspaceKeyPrefix,
        assumeRole: backend.roleArn ? { roleArn: backend.roleArn } : undefined,
        // Written only when it is on: an engine before 1.10 rejects the argument itself, even
        // `use_lockfile = false`, and off is every engine's default. cdktf 0.21's S3BackendConfig
        // predates it; the backend snake-cases every prop it is given, so it renders as `use_lockfile`.
        useLockfile: s3LocksWithLockfile(backend) || undefined,
      };
      new S3Backend(this, stripUndefined(config) as S3BackendConfig);
      return;
    }
    // cdktf's default local state path is absolute (process.cwd()); a relative one keeps the
    // synthesized files free of this machine's layout and keeps snapshots stable.
    const statePath = backend?.path ?? path.resolve(`terraform.${id}.tfstate`);
    const stackDir = path.resolve(App.of(this).outdir, 'stacks', id);
    new LocalBackend(this, { path: path.isAbsolute(statePath) ? path.relative(stackDir, statePath) : statePath });
  }
}

/**
 * Name of the stack output that maps each live domain to its zone id, sorted name servers and
 * registrar (`cdktf output <stack>`, `terraform output -json domains`). One output for the stack,
 * keyed by the canonical domain name: one output element per domain cost ~25% more synth CPU at
 * 1,000 domains.
 */
export const DOMAINS_OUTPUT = 'domains';

/**
 * The references written out (`${aws_route53_zone.<id>.zone_id}`) rather than as tokens
 * (domain.zoneId, domain.nameServers): the same configuration, with nothing to resolve.
 */
function domainOutputValue(domain: DelegatedDomain): { zone_id: string; name_servers: string; registrar: string } {
  const zone = `aws_route53_zone.${domain.zone.resource.friendlyUniqueId}`;
  return { zone_id: `\${${zone}.zone_id}`, name_servers: `\${sort(${zone}.name_servers)}`, registrar: domain.registrar };
}

/** Whether S3 state locks with S3's own lock file: asked for, or the default when no DynamoDB table is given. */
function s3LocksWithLockfile(backend: BackendSettings | undefined): boolean {
  return backend?.type === 's3' && (backend.useLockfile ?? backend.dynamodbTable === undefined);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

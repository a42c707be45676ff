/**
 * The bridge between Terraform and the registrar: resources whose provisioners run the nsbridge
 * CLI to point a domain at a set of name servers, and to carry out the destroy policy when the
 * delegation goes away.
 *
 * One delegation is four Terraform objects (1-4), plus the drift read and its check block (5)
 * unless `driftCheck: false`. Each exists because of a Terraform rule (every case below is checked
 * against a real engine in __tests__/modules/engine.test.ts):
 *
 *  1. `data "external"` (the read): runs `nsbridge terraform-external` at plan time and returns
 *     the name servers the domain is delegated to now (the parent zone's, or the registrar's with
 *     `delegationSource: registrar`). It is read on every plan; only its value at the first apply
 *     is kept (2). One read serves every domain of the stack (per source, and per registrar
 *     account in registrar mode), answered per domain (modules/delegation-reads.ts). Left out for
 *     registrars nsbridge cannot read.
 *
 *  2. `terraform_data` "previous" (holder): `input` = the read's result, with
 *     `lifecycle.ignore_changes = [input]`, so it keeps the value of its first apply forever: the
 *     name servers the domain had before nsbridge changed it. That is the only place they are
 *     stored. `triggers_replace` holds the domain only: a delegation of another domain records
 *     that domain's previous name servers.
 *
 *  3. `terraform_data` "bridge" (set): `triggers_replace` is the desired delegation (domain,
 *     registrar, sorted name servers, non-secret settings); its create-time provisioner runs
 *     `nsbridge set`. It is `create_before_destroy`, and it has NO destroy-time provisioner: a new
 *     delegation replaces it and sets the new name servers, and the old instance goes away without
 *     touching the registrar. (A destroy-time provisioner here would run on every name-server
 *     change: `refuse` would block it, `restore` would flip the domain back for a moment.)
 *     It depends on the holder, so the previous name servers are in state before the first write.
 *
 *  4. `terraform_data` "release" (guard): its destroy-time provisioner runs
 *     `nsbridge release --policy ...`. Its `input` holds everything that step needs (domain,
 *     registrar, the zone's current name servers, the previous ones, the policy, the settings as
 *     environment variables), because a destroy-time provisioner may read only `self`. Name-server,
 *     registrar, settings and policy changes update it in place; only a change of domain replaces
 *     it (which releases the old domain, as it should). It depends on the zone and its records
 *     (through `nameServers` and `dependOn`), so Terraform runs it BEFORE deleting them.
 *
 * 5. Drift, with `repairDrift: false` only (by default the read at (1) decides the bridge's repair
 *    trigger instead; see `repairDrift`; `driftCheck: false` leaves it out): a second `data "external"` read
 *    whose query holds the delegation the stack set and the bridge's id, and a `check` block on
 *    its answer. The bridge's id makes Terraform read it AFTER the bridge: when the bridge changes
 *    in a run, the id is unknown at plan, so the read happens during apply, after `set`; when
 *    nothing changes, it is read at plan time, shows nothing in the plan, and the check warns if
 *    the registrar no longer holds what the stack set. A check block's own nested data source
 *    would be simpler, but Terraform and OpenTofu list it as "will be read during apply" in every
 *    plan, so a no-op run would never plan clean; the read at (1) cannot serve either, because
 *    it must run before the bridge (it records what was there before nsbridge). The cost is a
 *    second registrar read per domain per plan.
 *
 * Removing a delegation's resources from the configuration would delete them without running any
 * destroy-time provisioner (Terraform only runs one from a block that is still in the
 * configuration). `RetiredDelegation` keeps the release block with `count = 0` instead: the next
 * apply destroys the guard (running the policy) and then whatever else was removed.
 *
 * Credentials are never in here: local-exec and the external program inherit the environment of
 * the process running Terraform. Only non-secret settings are written, under the variable names
 * the registrar catalog gives.
 *
 * Deliberately NOT a trigger: the CLI bundle's hash. A new nsbridge version changes how the
 * registrar is talked to, not what the delegation should be; hashing it in would replace every
 * delegation after an upgrade and call every registrar again. To force a re-run for one domain,
 * `terraform apply -replace=<address of its bridge>`.
 */
import { DataResource, Fn, ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { parseDuration } from '../core/duration';
import { normalizeNameServers, checkDomainName, InvalidNameError } from '../core/names';
import { NsbridgeCliAsset } from './cli-asset';
import { dropPerInstanceVersionCheck } from './cdktf-internals/version-checks';
import { lazyDependsOn } from './depends-on';
import { DriftCheck } from './drift-check';
import { ExternalProgramData } from './external-data';
import { delegationReadOf, DomainRead } from './delegation-reads';
import { hclString, interpolation } from './hcl';
import { REGISTRARS } from '../registrar-adapters/catalog';
import { defaultDestroyPolicy, DESTROY_POLICIES, DestroyPolicy, isDestroyPolicy, restoreUnsupportedReason } from './destroy-policy';
import * as E from './errors';
import {
  checkRegistrarId,
  checkRegistrarSettings,
  RegistrarId,
  RegistrarSettings,
  settingSpecs,
  settingValueForEnv,
} from './registrar-settings';

export type DelegationSource = 'dns' | 'registrar';
export const DELEGATION_SOURCES: readonly DelegationSource[] = ['dns', 'registrar'];

export interface RegistrarDelegationProps {
  /** The registered domain whose delegation is set, e.g. `example.com` (IDN and case are normalised). */
  readonly domain: string;

  /**
   * Who holds the domain: one of the registrar ids of the catalog (`npx nsbridge registrars`), or
   * manual (a person makes the change; the CLI prints the steps and waits for it in DNS).
   * @see registrar-adapters/catalog.ts
   */
  readonly registrar: RegistrarId;

  /**
   * The name servers to delegate to: usually `HostedZone.nameServers` (a token). Literal lists are
   * checked (2 to 13 host names) and sorted; token lists are sorted by Terraform (`sort()`), so the
   * order Route 53 returns them in never causes a replacement.
   */
  readonly nameServers: readonly string[];

  /**
   * Non-secret registrar settings, by catalog key (e.g. `{ sandbox: true }` for GoDaddy's OTE).
   * They reach the CLI as environment variables (e.g. NSBRIDGE_GODADDY_SANDBOX=1). Credentials are
   * never accepted here: they come from the environment of the process running Terraform.
   * @default - none: the CLI uses its defaults and whatever the environment sets
   */
  readonly registrarSettings?: RegistrarSettings;

  /**
   * What happens at the registrar when this delegation is destroyed: `restore` puts back the name
   * servers the domain had before nsbridge (recorded at the first apply), `retain` leaves it
   * pointing at the deleted zone with a warning, `refuse` fails the destroy.
   * @default - "restore" when nsbridge can read the registrar's name servers (every registrar it
   *   can delegate with, `manual` included), else "retain"
   */
  readonly destroyPolicy?: DestroyPolicy;

  /**
   * Resources that must exist before the registrar is pointed at the name servers (typically the
   * zone's records, so the domain never resolves to an empty zone). Destroy runs in reverse: the
   * delegation is released before they are deleted.
   * @default - only what `nameServers` references
   */
  readonly dependsOn?: readonly ITerraformDependable[];

  /**
   * After writing, wait until every server of the parent zone (the registry) delegates the domain
   * to the new name servers, e.g. `10m`; the apply fails if that takes longer (`nsbridge set --wait`).
   * @default - no wait: the parent's view is reported once and does not fail the apply (registries
   * can take minutes, and a deploy should not)
   */
  readonly waitForDelegation?: string;

  /**
   * With `repairDrift: false` only: warn in every plan (`cdktf diff`) when the registrar no longer delegates the domain to what the
   * stack set (someone changed it by hand): a Terraform `check` block fed by a registrar read. The
   * warning names the domain, the registrar, both sets and the command that puts it back. It never
   * changes the plan. Costs one more registrar read per plan; registrars nsbridge cannot read have none.
   * @default true
   */
  readonly driftCheck?: boolean;

  /**
   * Where plans read the domain's current delegation (for the restore record and for drift):
   * `dns` asks the parent zone's authoritative servers what they publish: no registrar request and
   * no registrar credentials at plan time. `registrar` asks the registrar's API (one read per
   * domain per plan, shared by the restore record and the drift repair). Writes always go to the
   * registrar, with credentials, at apply.
   * @default "dns"
   */
  readonly delegationSource?: DelegationSource;

  /**
   * When the registrar no longer delegates to what the stack set (changed by hand), the next plan
   * replaces the bridge and the deploy sets the delegation again. The decision is made at plan time
   * from the one delegation read: in sync, the bridge's `triggers_replace.repair` is "none", as in
   * state; drifted, it is "none" computed from `timestamp()`, unknown at plan (so the bridge is
   * replaced) and "none" again at apply (so the plan after the repair is clean).
   * `false`: report only, as before: a `check` block warns (with `driftCheck`), nothing is repaired.
   * @default true
   */
  readonly repairDrift?: boolean;

  /**
   * Where the name servers come from, in words, for the plan (the bridge's `input.change`), e.g.
   * "the name servers of Route 53 zone example.com (aws_route53_zone.x)". A zone created in the same
   * run has name servers known only after apply; this says whose they will be.
   * @default - "the name servers given"
   */
  readonly nameServersDescription?: string;

  /**
   * Path of the nsbridge CLI bundle to ship with the stack. All delegations of a stack share one.
   * @default - dist/nsbridge.js of this package
   */
  readonly cliBundlePath?: string;
}

/**
 * The `domain` prop, canonical (a token as it is); undefined, with the problem added to
 * `problems` at `domain`, when it is not a domain name.
 */
export function checkDomainProp(domain: string, problems: string[]): string | undefined {
  if (Token.isUnresolved(domain)) return domain;
  const r = checkDomainName(domain);
  if (r.ok) return r.value;
  problems.push(E.atPath(['domain'], E.invalidDomainName(domain, r.reason)));
  return undefined;
}

/** Problems with the registrar half of the props (registrar id, settings, destroy policy). */
export function checkRegistrarProps(
  props: Pick<RegistrarDelegationProps, 'registrar' | 'registrarSettings' | 'destroyPolicy' | 'delegationSource'>,
): string[] {
  const problems: string[] = [];
  if (props.delegationSource !== undefined && !DELEGATION_SOURCES.includes(props.delegationSource)) {
    problems.push(E.atPath(['delegationSource'], `"${String(props.delegationSource)}" is not a delegation source: use ${DELEGATION_SOURCES.map((s) => `"${s}"`).join(' or ')}`));
  }
  const registrarProblems = checkRegistrarId(props.registrar);
  problems.push(...registrarProblems.map((m) => E.atPath(['registrar'], m)));
  if (registrarProblems.length === 0 && props.registrarSettings) {
    for (const p of checkRegistrarSettings(props.registrar, props.registrarSettings)) {
      problems.push(E.atPath(['registrarSettings', ...p.path], p.message));
    }
  }
  if (props.destroyPolicy !== undefined && !isDestroyPolicy(props.destroyPolicy)) {
    problems.push(E.atPath(['destroyPolicy'], E.unknownDestroyPolicy(props.destroyPolicy, DESTROY_POLICIES)));
  } else if (props.destroyPolicy === 'restore' && registrarProblems.length === 0) {
    const reason = restoreUnsupportedReason(props.registrar);
    if (reason !== undefined) problems.push(E.atPath(['destroyPolicy'], E.restoreNotSupported(props.registrar, reason)));
  }
  return problems;
}

/** Problems with the props, all at once, as "path: message" lines. */
export function checkDelegationProps(props: RegistrarDelegationProps): { problems: string[]; domain?: string; nameServers?: string[] } {
  const problems: string[] = [];
  const domain = checkDomainProp(props.domain, problems);

  problems.push(...checkRegistrarProps(props));
  if (props.waitForDelegation !== undefined && !Token.isUnresolved(props.waitForDelegation)) {
    try {
      parseDuration(props.waitForDelegation);
    } catch (err) {
      problems.push(E.atPath(['waitForDelegation'], (err as Error).message));
    }
  }

  let nameServers: string[] | undefined;
  if (Token.isUnresolved(props.nameServers) || props.nameServers.some((ns) => Token.isUnresolved(ns))) {
    nameServers = undefined; // sorted by Terraform instead
  } else {
    try {
      nameServers = normalizeNameServers(props.nameServers);
    } catch (err) {
      if (!(err instanceof InvalidNameError)) throw err;
      problems.push(E.atPath(['nameServers'], E.nameServersInvalid(err.message)));
    }
  }
  return { problems, domain, nameServers };
}

/** Construct ids of the parts; they are part of the Terraform addresses, so never rename them. */
const IDS = { read: 'registrar-read', previous: 'previous', set: 'bridge', release: 'release', driftRead: 'drift-read', driftCheck: 'drift' } as const;


/**
 * The destroy-time provisioner of the release guard. Everything comes from `self.input` (a
 * destroy-time provisioner may read nothing else), including the settings' environment variables
 * as one map: a setting added to the configuration after the last apply then cannot break the
 * destroy with a reference to a key the state does not have.
 *
 * `--previous` is quoted because it may be empty (nothing recorded): unquoted, the option would
 * swallow the next argument.
 */
function releaseProvisioner(cli: NsbridgeCliAsset): { type: 'local-exec'; when: 'destroy'; command: string; environment: Record<string, string> } {
  return {
    type: 'local-exec',
    when: 'destroy',
    command:
      `${cli.command} release --registrar ${self('input.registrar')} --domain ${self('input.domain')}` +
      ` --ns ${selfJoined('input.name_servers')} --policy ${self('input.policy')} --previous "${self('input.previous')}"`,
    // A whole-map expression where the type says Record<string, string>: Terraform evaluates
    // "${self.input.env}" to the map itself.
    environment: self('input.env') as unknown as Record<string, string>,
  };
}

/**
 * `${self.<path>}` as a literal string. What `TerraformSelf.getString(path)` renders to, without a
 * token to resolve at synth: four of them per provisioner, two provisioners per domain, were a
 * measurable share of a 1,000-domain synth. `path` is written in snake_case, as Terraform sees it.
 */
const self = (path: string): string => `\${self.${path}}`;
/** `${join(",", self.<path>)}`: a list attribute as the comma-separated list the CLI takes. */
const selfJoined = (path: string): string => `\${join(",", self.${path})}`;

/**
 * Points a domain at a set of name servers at its registrar, through the nsbridge CLI, as part of
 * `terraform apply`; carries out the destroy policy when the delegation is destroyed.
 *
 * Usually created by `DelegatedDomain`. Use it directly for name servers that are not a
 * `HostedZone` of this app (e.g. a zone in another stack, or a DNS provider outside AWS).
 */
export class RegistrarDelegation extends Construct {
  /** The "bridge": the `terraform_data` whose create-time provisioner runs `nsbridge set`. */
  public readonly resource: DataResource;
  /** The guard whose destroy-time provisioner runs `nsbridge release --policy ...`. */
  public readonly releaseResource: DataResource;
  /**
   * Holds the name servers the domain had before nsbridge (`output.name_servers`, a comma-separated
   * list), recorded at the first apply. Undefined for a registrar nsbridge cannot read.
   */
  public readonly previousNameServers?: DataResource;
  /**
   * The plan-time read that feeds `previousNameServers` and the drift repair: shared by the stack's
   * domains of the same source (and registrar account); this domain's values are its
   * `"<domain>:<field>"` keys.
   */
  public readonly registrarRead?: ExternalProgramData;
  /** The read after the bridge that the drift check asserts on (undefined with `driftCheck: false`). */
  public readonly driftRead?: ExternalProgramData;
  /** The domain in canonical form. */
  public readonly domain: string;
  public readonly registrar: RegistrarId;
  public readonly destroyPolicy: DestroyPolicy;
  /** The stack's CLI asset the provisioners run. */
  public readonly cli: NsbridgeCliAsset;

  private readonly dependencyProducers: (() => readonly ITerraformDependable[])[] = [];

  constructor(scope: Construct, id: string, props: RegistrarDelegationProps) {
    super(scope, id);
    const checked = checkDelegationProps(props);
    if (checked.problems.length > 0 || checked.domain === undefined) {
      throw new E.NsbridgeValidationError(this.node.path, checked.problems);
    }
    this.domain = checked.domain;
    this.registrar = props.registrar;
    this.destroyPolicy = props.destroyPolicy ?? defaultDestroyPolicy(props.registrar);
    this.cli = NsbridgeCliAsset.of(this, props.cliBundlePath);
    if (props.dependsOn) this.dependOn(() => props.dependsOn!);

    // Settings by their environment variable: the same map is the provisioners' `environment` and
    // (merged into) the external program's query, which has no environment of its own.
    const settings: Record<string, string> = Object.fromEntries(
      settingSpecs(props.registrar, props.registrarSettings ?? {}).map(({ spec, value }) => [spec.env, settingValueForEnv(value)]),
    );
    const hasSettings = Object.keys(settings).length > 0;
    const nameServers = checked.nameServers ?? Fn.sort([...props.nameServers]);

    // (1) + (2): the previous name servers, read at plan time and held from the first apply on.
    // With repairDrift the same read also says whether the registrar still holds what the stack sets.
    const source = props.delegationSource ?? 'dns';
    const repairDrift = props.repairDrift !== false;
    const expected = checked.nameServers ? checked.nameServers.join(',') : Fn.join(',', nameServers as string[]);
    let previous = '';
    let read: DomainRead | undefined;
    if (restoreUnsupportedReason(this.registrar) === undefined) {
      // One read per stack (dns) or registrar account, shared by its domains (modules/delegation-reads.ts).
      // No expected name servers in the query: they are unknown while a zone is (re)created, and an
      // unknown query would defer the read to apply and replace the holder (losing the record).
      read = delegationReadOf(this, { cli: this.cli, domain: this.domain, source, registrar: this.registrar, settings });
      this.registrarRead = read.data;
      this.previousNameServers = new DataResource(this, IDS.previous, {
        // `recorded` is "false" while the registrar was unavailable at plan time (the read then
        // returns no name servers): the first plan at which it answers replaces the holder and so
        // records the real previous delegation; from then on it stays true and nothing changes.
        triggersReplace: { domain: this.domain, recorded: read.field('available', 'false') },
        input: { name_servers: read.field('name_servers', '') },
        lifecycle: { ignoreChanges: ['input'] },
      });
      dropPerInstanceVersionCheck(this.previousNameServers);
      previous = this.previousNameServers.getStringAttribute('output.name_servers');
    }

    // (3): set the delegation; replaced (create before destroy) when the desired delegation changes.
    const triggersReplace: Record<string, unknown> = { domain: this.domain, registrar: this.registrar, name_servers: nameServers };
    if (hasSettings) triggersReplace.settings = settings;
    if (read && repairDrift) {
      // Drift repair (see `repairDrift`): unknown at plan only when the read answered and none of its
      // views (the registrar's answer, or each parent server's in dns mode; canonical, sorted) is the
      // set the stack sets. `timestamp()` is known only at apply, where this is "none" again.
      // One literal expression rather than a tree of cdktf tokens (Op/Fn; see hcl.ts). A token (the
      // zone's name servers) inside `${...}` is rendered by cdktf as a bare expression.
      const expectedHcl = checked.nameServers ? hclString(expected) : expected;
      const drifted = `${read.expression('available', 'false')} == "true" && !contains(split(";", ${read.expression('views', '')}), ${expectedHcl})`;
      triggersReplace.repair = interpolation(`${drifted} ? join("", ["none", substr(timestamp(), 0, 0)]) : "none"`);
    }
    const holder = this.previousNameServers;
    this.resource = new DataResource(this, IDS.set, {
      triggersReplace,
      // What the plan shows next to the trigger values, so that a reviewer reads the registrar
      // change in words, and a new zone's name servers ("known after apply") have an owner.
      input: { change: `point ${this.domain} at ${REGISTRARS[this.registrar].name} to ${props.nameServersDescription ?? 'the name servers given'}` },
      lifecycle: { createBeforeDestroy: true },
      provisioners: [
        {
          type: 'local-exec',
          command:
            `${this.cli.command} set --registrar ${self('triggers_replace.registrar')}` +
            ` --domain ${self('triggers_replace.domain')} --ns ${selfJoined('triggers_replace.name_servers')}` +
            // Not in triggers_replace: how long to wait is not what the delegation is, so changing
            // it plans no change (the command is not part of the state).
            (props.waitForDelegation ? ` --wait ${props.waitForDelegation}` : ''),
          environment: hasSettings ? (self('triggers_replace.settings') as unknown as Record<string, string>) : undefined,
        },
      ],
    });
    this.resource.dependsOn = this.lazyDependencies(holder ? [holder] : []);
    dropPerInstanceVersionCheck(this.resource);

    // (5): drift, read after the bridge (its id) and asserted by a check block.
    if (this.registrarRead && !repairDrift && props.driftCheck !== false) {
      this.driftRead = this.registrarReadOf(IDS.driftRead, { ...settings, source, expected_name_servers: expected, after_change: this.resource.id });
      const result = `data.external.${this.driftRead.friendlyUniqueId}.result`;
      new DriftCheck(this, IDS.driftCheck, {
        condition: `${result}.in_sync == "true"`,
        errorMessage: `\${${result}.drift}`,
      });
    }

    // (4): the release guard, updated in place, destroyed (running the policy) before the zone.
    this.releaseResource = new DataResource(this, IDS.release, {
      triggersReplace: { domain: this.domain },
      input: {
        domain: this.domain,
        registrar: this.registrar,
        name_servers: nameServers,
        previous,
        policy: this.destroyPolicy,
        env: settings,
      },
      provisioners: [releaseProvisioner(this.cli)],
    });
    this.releaseResource.dependsOn = this.lazyDependencies([]);
    dropPerInstanceVersionCheck(this.releaseResource);
  }

  /** A plan-time read of this domain alone (the drift check's): `nsbridge terraform-external` with `query`. */
  private registrarReadOf(id: string, query: Record<string, string>): ExternalProgramData {
    return new ExternalProgramData(this, id, {
      program: ['node', this.cli.scriptPath, 'terraform-external'],
      query: { registrar: this.registrar, domain: this.domain, ...query },
    });
  }

  /**
   * Make the registrar step wait for more resources, and the release step run before they are
   * deleted. `produce` is called at synth, so it may list resources created after this call (e.g.
   * records added to a zone later).
   */
  public dependOn(produce: () => readonly ITerraformDependable[]): void {
    this.dependencyProducers.push(produce);
  }

  private lazyDependencies(fixed: readonly ITerraformDependable[]): string[] {
    return lazyDependsOn(() => [...fixed, ...this.dependencyProducers.flatMap((p) => p())]);
  }
}

export interface RetiredDelegationProps {
  /**
   * Path of the nsbridge CLI bundle to ship with the stack.
   * @default - dist/nsbridge.js of this package
   */
  readonly cliBundlePath?: string;
}

/**
 * What is left of a `RegistrarDelegation` that is being removed: its release guard, with
 * `count = 0`, at the same construct path (hence the same Terraform address).
 *
 * Why: Terraform runs a destroy-time provisioner only from a block that is still in the
 * configuration, so deleting the delegation outright would delete the zone without running the
 * destroy policy. With this in its place, the next apply destroys the guard, running
 * `nsbridge release` with the policy, domain, name servers and previous name servers recorded in
 * state, and then (ordered by the dependencies recorded in state) the zone and records that were
 * removed. After that apply, this construct can be deleted too.
 *
 * @example
 * // was: new RegistrarDelegation(scope, 'delegation', { domain, registrar, nameServers: zone.nameServers })
 * new RetiredDelegation(scope, 'delegation');
 */
export class RetiredDelegation extends Construct {
  /** The guard block (`count = 0`): no instance is ever created from it. */
  public readonly releaseResource: DataResource;
  public readonly cli: NsbridgeCliAsset;

  constructor(scope: Construct, id: string, props: RetiredDelegationProps = {}) {
    super(scope, id);
    this.cli = NsbridgeCliAsset.of(this, props.cliBundlePath);
    this.releaseResource = new DataResource(this, IDS.release, { count: 0, provisioners: [releaseProvisioner(this.cli)] });
    dropPerInstanceVersionCheck(this.releaseResource);
  }
}

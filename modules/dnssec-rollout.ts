/**
 * DNSSEC roll-outs across deploys (issue #16): the roll-out state of core/dnssec-rollout.ts kept
 * in Terraform state, so that no deploy waits for a DS TTL (a day under .com).
 *
 * Terraform's hard constraint: a provisioner's result never reaches state, only resources and data
 * sources do. So every deploy sees the world again at plan time, and the moments that matter are
 * anchored in state:
 *
 *  1. `data "external"` "dnssec-read" (plan time): the registrar's DS set, the DS records every
 *     parent server serves (`parent_ds_all`), those any serves (`parent_ds_any`), the DS TTL and
 *     the DNSKEY TTL. Its query holds plan-time values only (domain, registrar, settings), never a
 *     new KSK's record, or the read would be deferred to apply.
 *  2. Anchors: `terraform_data` with `triggers_replace` = an event's key ("new DS X served by every
 *     parent server", "old DS Y served by none") and `input = plantimestamp()` under
 *     `ignore_changes = [input]`: each keeps the plan time of the plan that first saw the event
 *     (never later than the truth, so holds counted from it are never short). When the event
 *     stops holding (a registrar dropped the new DS by hand), its key changes and the anchor is
 *     replaced: the hold starts again from the next sighting.
 *  3. The decision, in expressions: hold until anchor + TTL (`timeadd`), compared with this plan's
 *     time (`timecmp(plantimestamp(), ...)`). The decided registrar set is the `triggers_replace`
 *     of `terraform_data` "ds-rollout", whose create-time provisioner writes it (`nsbridge ds set`
 *     with every wanted DNSKEY, adds before removes, or `ds clear`), each wait bounded by
 *     NSBRIDGE_DNS_WAIT_LIMIT; the step and its earliest time are its `input`, so `cdktf diff`
 *     and `nsbridge plan` show them ("remove old KSK 12345 after 2026-12-08T10:00:00Z"). A plan
 *     whose decision has not changed is a no-op: nothing here depends on the plan time except
 *     through a comparison.
 *  4. `released`: the retiring key may go (no parent server serves its DS, and every hold has
 *     passed); the KSK's status follows it (ACTIVE → INACTIVE), and the key is deleted by a later
 *     configuration change that the `precondition` of "ds-rollout" lets through only then.
 *
 * Phases, as in core/dnssec-rollout.ts (RFC 7583 3.3.2 double-DS; RFC 6781 4.1.2 disable):
 *   roll     registrar {old, new} → every parent serves new (anchor) → hold max(DS TTL, DNSKEY TTL)
 *            → registrar {new} → no parent serves old → old released
 *   disable  registrar {} → no parent serves old (anchor; the DS TTL was recorded when the
 *            disable began, while the parent still served it) → hold DS TTL → released
 *   enable / steady: registrar {current}; a DS the registrar lost is put back (drift).
 *
 * Expressions are written as HCL text with the addresses of the objects (Terraform infers the
 * dependencies from them), because cdktf cannot nest token references inside an expression.
 */
import { DataResource, TerraformLocal, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import { UNREADABLE } from '../core/dnssec-read-protocol';
import { NsbridgeCliAsset } from './cli-asset';
import { dropPerInstanceVersionCheck } from './cdktf-internals/version-checks';
import { ExternalProgramData } from './external-data';
import { hclString as str, interpolation as tf } from './hcl';

/** A key-signing key, as HCL expressions (no `${}`) of its DS ("<tag> <alg> <type> <hex>") and DNSKEY. */
export interface RolloutKey {
  readonly ds: string;
  readonly dnskey: string;
}

/** The HCL address of an attribute of a resource, e.g. `aws_route53_key_signing_key.x.ds_record`. */
export const attributeExpression = (resource: TerraformResource, attribute: string): string =>
  `${resource.terraformResourceType}.${resource.friendlyUniqueId}.${attribute}`;

export interface DnssecRolloutProps {
  readonly domain: string;
  readonly registrar: string;
  /** Non-secret registrar settings as environment variables (they travel in the read's query too). */
  readonly settings?: Readonly<Record<string, string>>;
  /** The key the roll-out leads to; undefined: DNSSEC off (a disable when `retiring` is set). */
  readonly current?: RolloutKey;
  /** The key being retired (the previous generation, or every key on disable). */
  readonly retiring?: RolloutKey;
  readonly cli: NsbridgeCliAsset;
  /** `ds set --wait-signed`: how long the registrar write waits for the name servers to serve the keys. */
  readonly signedWait: string;
  /** A step pending longer than this after the roll-out began is reported as failed (a duration Terraform's timeadd reads, e.g. "72h"). */
  readonly deadline: string;
  /** What to do when a DS no key in the configuration stands for is served (the precondition's fix). */
  readonly conflictFix?: string;
  /** The plan-time read's program (default: `nsbridge terraform-external` in dnssec mode). */
  readonly readProgram?: readonly string[];
}

/** Construct ids (part of the Terraform addresses: never rename them). */
export const DNSSEC_ROLLOUT_IDS = {
  read: 'dnssec-read',
  rollout: 'ds-rollout',
  newServed: 'anchor-new-ds-served',
  oldGone: 'anchor-old-ds-gone',
  ttlSeen: 'anchor-ds-ttl',
  started: 'anchor-rollout-started',
} as const;

const keyTag = (ds: string): string => `split(" ", ${ds})[0]`;

/** The roll-out of one domain's DS across deploys. */
export class DnssecRollout extends Construct {
  /** `terraform_data` "ds-rollout": its provisioner writes the decided DS set at the registrar. */
  public readonly resource: DataResource;
  /** The plan-time read. */
  public readonly read: ExternalProgramData;
  /** HCL expression: true once the retiring key may be switched off and deleted. "false" when nothing retires. */
  public readonly released: string;

  constructor(scope: Construct, id: string, props: DnssecRolloutProps) {
    super(scope, id);
    const settings = props.settings ?? {};
    this.read = new ExternalProgramData(this, DNSSEC_ROLLOUT_IDS.read, {
      program: props.readProgram ?? ['node', props.cli.scriptPath, 'terraform-external'],
      query: { mode: 'dnssec', registrar: props.registrar, domain: props.domain, ...settings },
    });
    const read = (key: string) => `data.external.${this.read.friendlyUniqueId}.result.${key}`;
    const local = (name: string, expression: string): string => `local.${new TerraformLocal(this, name, tf(expression)).friendlyUniqueId}`;
    const anchor = (name: string, key: string, input = 'plantimestamp()'): string => {
      const r = new DataResource(this, name, { triggersReplace: { event: tf(key) }, input: { seen: tf(input) }, lifecycle: { ignoreChanges: ['input'] } });
      dropPerInstanceVersionCheck(r);
      return `terraform_data.${r.friendlyUniqueId}.output.seen`;
    };

    const parentAll = local('parent-ds-all', `split(",", upper(${read('parent_ds_all')}))`);
    const parentAny = local('parent-ds-any', `split(",", upper(${read('parent_ds_any')}))`);
    const registrarDs = local('registrar-ds', `split(",", upper(${read('registrar_ds')}))`);
    const ttl = (key: string) => `tonumber(coalesce(${read(key)}, "0"))`;
    const { current, retiring } = props;
    const cur = current && local('current-ds', `upper(${current.ds})`);
    const old = retiring && local('retiring-ds', `upper(${retiring.ds})`);
    // Every DS a parent server may serve or the registrar holds, other than the current key's:
    // the retiring key's until it is gone everywhere (UNREADABLE when some server did not answer).
    // `released` is decided from these and the anchors, never from the retiring KSK itself, whose
    // status follows `released` (a reference to it would be a cycle).
    const others = local('other-ds', `[for d in setunion(${parentAny}, ${registrarDs}) : d if d != "" && d != ${cur ?? '""'}]`);
    const othersGone = local('other-ds-gone', `length(${others}) == 0`);
    const started = old && anchor(DNSSEC_ROLLOUT_IDS.started, `"\${${old}} -> \${${cur ?? '"none"'}}"`);

    /** Each case: the DNSKEYs the registrar must hold, the step, its earliest time, and `released`. */
    let wanted: string;
    /** The DS records of `wanted`, to see what the registrar lost (drift). */
    let wantedDs: string;
    let step: string;
    let notBefore = '""';
    let released = 'false';
    let done: string;
    if (cur && old && retiring && current) {
      // Double-DS roll.
      const newServed = local('current-ds-served', `contains(${parentAll}, ${cur})`);
      const servedAt = anchor(DNSSEC_ROLLOUT_IDS.newServed, `${newServed} ? ${cur} : ""`);
      const holdUntil = local('remove-old-after', `timeadd(${servedAt}, "\${max(${ttl('parent_ds_ttl')}, ${ttl('dnskey_ttl')})}s")`);
      const mayRemoveOld = local('may-remove-old', `${newServed} && timecmp(plantimestamp(), ${holdUntil}) >= 0`);
      // Past the removal (the old DS is gone everywhere), never back: re-adding a DS whose key may
      // already be inactive would make the domain bogus.
      wanted = `${mayRemoveOld} || ${othersGone} ? [${current.dnskey}] : [${retiring.dnskey}, ${current.dnskey}]`;
      wantedDs = `${mayRemoveOld} || ${othersGone} ? [${cur}] : [${old}, ${cur}]`;
      released = `${mayRemoveOld} && ${othersGone}`;
      done = released;
      step =
        `!${newServed} && !${othersGone} ? "await every parent server serving DS \${${keyTag(cur)}} (published next to old DS \${${keyTag(old)}})" : ` +
        `!${mayRemoveOld} && !${othersGone} ? "remove old KSK \${${keyTag(old)}} after \${${holdUntil}}" : ` +
        `!${othersGone} ? "delete old KSK \${${keyTag(old)}} once no parent server serves its DS" : ` +
        `!${newServed} ? "put DS \${${keyTag(cur)}} back at the registrar and await every parent server serving it" : ""`;
      notBefore = `${newServed} && !${mayRemoveOld} ? ${holdUntil} : ""`;
    } else if (old) {
      // Disable: the DS goes first; signing stops (and the key goes) a DS TTL after no parent
      // serves it. The TTL is the one served when the disable began (afterwards none is served).
      const ttlSeen = anchor(DNSSEC_ROLLOUT_IDS.ttlSeen, old, ttl('parent_ds_ttl'));
      const goneAt = anchor(DNSSEC_ROLLOUT_IDS.oldGone, `${othersGone} ? "gone \${${old}}" : ""`);
      const holdUntil = local('stop-signing-after', `timeadd(${goneAt}, "\${${ttlSeen}}s")`);
      wanted = '[]';
      wantedDs = '[]';
      released = `${othersGone} && timecmp(plantimestamp(), ${holdUntil}) >= 0`;
      done = released;
      step =
        `!${othersGone} ? "await no parent server serving DS \${${keyTag(old)}}" : ` +
        `!(${released}) ? "stop signing and delete KSK \${${keyTag(old)}} after \${${holdUntil}}" : ""`;
      notBefore = `${othersGone} && !(${released}) ? ${holdUntil} : ""`;
    } else if (current && cur) {
      wanted = `[${current.dnskey}]`;
      wantedDs = `[${cur}]`;
      done = `contains(${parentAll}, ${cur})`;
      step = `${done} ? "" : "await every parent server serving DS \${${keyTag(cur)}}"`;
    } else {
      wanted = '[]';
      wantedDs = '[]';
      done = 'true';
      step = '""';
    }
    const wantedLocal = local('registrar-dnskeys', wanted);
    // A DS the registrar should hold and does not (removed by hand, or not written yet): the
    // plan shows it and "ds-rollout" is replaced, so its provisioner puts it back. After any
    // addition the next plan sees the registrar in sync and replaces it once more (a no-op write):
    // what was read at plan time is what the apply stores.
    const missing = local('registrar-missing-ds', `[for d in ${wantedDs} : d if !contains(${registrarDs}, d)]`);
    this.released = local('retiring-released', released);
    const failed = started
      ? `!(${done}) && timecmp(plantimestamp(), timeadd(${started}, ${str(props.deadline)})) > 0 ? "the DNSSEC change of ${props.domain} started \${${started}} is still pending after ${props.deadline}: \${${step}}; nothing unsafe was done; check the registrar (nsbridge ds get) and the parent (dig DS)" : ""`
      : '""';
    // A DS nobody in the configuration stands for: another change under way, or a key removed from
    // the configuration too early. Refused before anything is written (at plan when every value is
    // known; else before the new "ds-rollout" is created, which, create_before_destroy, comes
    // before the removed key's deletion).
    const allowed = [old, `"${UNREADABLE}"`].filter((x): x is string => !!x).join(', ');
    const foreign = local('foreign-ds', `[for d in ${others} : d if !contains([${allowed}], d)]`);
    const envArgs = Object.keys(settings).length > 0 ? { settings } : {};
    this.resource = new DataResource(this, DNSSEC_ROLLOUT_IDS.rollout, {
      // What the registrar must hold: a change replaces the resource, and its provisioner writes it.
      triggersReplace: {
        domain: props.domain,
        registrar: props.registrar,
        action: tf(`length(${wantedLocal}) == 0 ? "clear" : "set --wait-signed ${props.signedWait}"`),
        dnskeys: tf(wantedLocal),
        registrar_in_sync: tf(`length(${missing}) == 0`),
        ...envArgs,
      },
      // What is pending and when: shown by `cdktf diff` and `nsbridge plan`; changes update in place.
      input: {
        step: tf(step),
        not_before: tf(notBefore),
        failed: tf(failed),
        released: tf(this.released),
        drift: tf(`length(${missing}) > 0 ? "${props.registrar} lacks DS \${join(", ", ${missing})}: this deploy puts it back" : ""`),
      },
      lifecycle: {
        createBeforeDestroy: true,
        precondition: [
          {
            condition: tf(`length(${foreign}) == 0`),
            errorMessage:
              `${props.domain}: the parent zone or ${props.registrar} has DS \${join(", ", ${foreign})}, which no key-signing key in the configuration stands for; ` +
              (props.conflictFix ?? 'a DNSSEC change is under way or a key left the configuration too early: put its key back until nsbridge plan shows the change complete'),
          },
        ],
      },
      provisioners: [
        {
          type: 'local-exec',
          command:
            `${props.cli.command} ds ${tf('self.triggers_replace.action')} --registrar ${tf('self.triggers_replace.registrar')} --domain ${tf('self.triggers_replace.domain')}` +
            tf(`join("", [for k in self.triggers_replace.dnskeys : " --dnskey '\${k}'"])`),
          environment: Object.keys(settings).length > 0 ? (tf('self.triggers_replace.settings') as unknown as Record<string, string>) : undefined,
        },
      ],
    });
    dropPerInstanceVersionCheck(this.resource);
  }
}

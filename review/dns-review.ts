/**
 * The whole change of a saved plan in DNS terms, per domain: the zone (created, replaced, deleted,
 * updated), every record set added, changed or removed, the registrar delegation (what nsbridge
 * last set -> what this plan sets, a drift repair, a release), DNSSEC changes, and everything else
 * the plan touches that is not DNS (listed, never hidden).
 *
 * Resources are tied to their domain through the configuration's references (a record's
 * `zone_id = aws_route53_zone.x.zone_id`), then through the zone id in the values, then by name
 * (the longest zone name the record's name ends with).
 *
 * nsbridge's own bookkeeping (the plan-time reads and the holder of the previous name servers) is
 * counted, not listed: it has no effect outside Terraform.
 */
import { canonicalNameServers } from '../core/names';
import { blockAddress, PlanAction, ResourceChange, SavedPlan } from './plan-file';

/** The version of the JSON document `formatReviewJson` writes (docs/plan-review.md). */
export const REVIEW_SCHEMA = 'nsbridge/plan-review/v1';

export type Change = 'create' | 'update' | 'replace' | 'delete' | 'read';

export interface RecordSet {
  readonly type: string;
  readonly name: string;
  /** null for an alias record; undefined when it is known only after apply. */
  readonly ttl?: number | null;
  /** The values, or `alias <target>`; undefined when known only after apply. */
  readonly values?: string[];
  /** Routing policy set identifier, when the record has one. */
  readonly setIdentifier?: string;
}

export interface RecordChange {
  readonly change: 'add' | 'change' | 'remove';
  readonly address: string;
  readonly before?: RecordSet;
  readonly after?: RecordSet;
}

export interface ZoneChange {
  readonly change: Exclude<Change, 'read'>;
  readonly address: string;
  /** For an update: the attributes that change (comment, tags, ...). */
  readonly attributes?: string[];
}

export interface DelegationChange {
  readonly change: 'set' | 'repair' | 'release' | 'remove';
  readonly address: string;
  readonly registrar: string;
  /** What nsbridge last set (from state); undefined for a new delegation. */
  readonly current?: string[];
  /** What this plan sets; undefined when it is a new zone's (known after apply). */
  readonly desired?: string[];
  /** The destroy policy that runs, for a release. */
  readonly policy?: string;
  readonly reason: string;
}

export interface DnssecChange {
  readonly change: Change;
  readonly address: string;
  readonly what: string;
}

export interface DomainReview {
  readonly domain: string;
  readonly zone?: ZoneChange;
  readonly records: RecordChange[];
  readonly delegation?: DelegationChange;
  readonly dnssec: DnssecChange[];
  /** Loud flags: a zone replaced or deleted that the domain still delegates to. */
  readonly warnings: string[];
}

export interface OtherChange {
  readonly address: string;
  readonly change: Change;
}

export interface PlanReview {
  readonly schema: typeof REVIEW_SCHEMA;
  readonly engineVersion?: string;
  readonly planFormat: string;
  readonly summary: ReviewSummary;
  readonly domains: DomainReview[];
  /** Changes that are not DNS, and DNS resources whose domain could not be told. */
  readonly other: OtherChange[];
  /** nsbridge's plan-time reads and holders that change (no effect outside Terraform). */
  readonly bookkeeping: number;
  /** Every domain's loud flags, in one list. */
  readonly warnings: string[];
}

export interface ReviewSummary {
  domains: number;
  zonesCreated: number;
  zonesReplaced: number;
  zonesDeleted: number;
  zonesUpdated: number;
  recordsAdded: number;
  recordsChanged: number;
  recordsRemoved: number;
  delegations: number;
  driftRepairs: number;
  releases: number;
  dnssec: number;
  other: number;
  warnings: number;
}

/** The Terraform actions list in one word. */
export function changeOf(actions: readonly PlanAction[]): Change | 'no-op' {
  if (actions.includes('create') && actions.includes('delete')) return 'replace';
  if (actions.length === 1 && actions[0] !== 'no-op') return actions[0] as Change;
  return 'no-op';
}

const RELEASE_ID = /_release_[0-9A-F]{8}$/;
const ZONE_TYPES = new Set(['aws_route53_zone']);
const RECORD_TYPES = new Set(['aws_route53_record']);
const DNSSEC_TYPES: Record<string, string> = {
  aws_route53_key_signing_key: 'key-signing key',
  aws_route53_hosted_zone_dnssec: 'zone signing',
};
/** DNS resources other than zones, records and DNSSEC: shown under their domain as "other DNS". */
const REFERS_TO_ZONE = ['zone_id', 'hosted_zone_id'];

interface Values {
  before: Record<string, any>;
  after: Record<string, any>;
  unknown: Record<string, any>;
}

const valuesOf = (c: ResourceChange): Values => ({
  before: c.change.before ?? {},
  after: c.change.after ?? {},
  unknown: typeof c.change.after_unknown === 'object' && c.change.after_unknown ? c.change.after_unknown : {},
});

const dnsName = (n: unknown): string => String(n ?? '').toLowerCase().replace(/\.$/, '');

function recordSet(v: Record<string, any>, unknown: Record<string, any>): RecordSet {
  const alias = Array.isArray(v.alias) ? v.alias[0] : undefined;
  const valuesUnknown = unknown.records === true || (Array.isArray(unknown.alias) && unknown.alias.some((a: any) => a === true || a?.name === true));
  let values: string[] | undefined;
  if (valuesUnknown) values = undefined;
  else if (alias) values = [`alias ${dnsName(alias.name)}${alias.evaluate_target_health ? ' (evaluate target health)' : ''}`];
  else values = Array.isArray(v.records) ? [...(v.records as string[])].sort() : [];
  return {
    type: String(v.type ?? '?'),
    name: dnsName(v.name),
    ttl: unknown.ttl === true ? undefined : alias ? null : typeof v.ttl === 'number' ? v.ttl : null,
    values,
    ...(v.set_identifier ? { setIdentifier: String(v.set_identifier) } : {}),
  };
}

/** The bridge's trigger values: domain, registrar, name servers (undefined while unknown). */
function bridgeTriggers(v: Record<string, any>, unknown: Record<string, any> | boolean | undefined): { domain?: string; registrar?: string; ns?: string[]; repairing?: boolean } {
  const t = v.triggers_replace;
  const u = typeof unknown === 'object' && unknown ? unknown.triggers_replace : undefined;
  if (!t || typeof t !== 'object') {
    // The whole map is unknown (a new zone's name servers): the domain is in `input.change`.
    const m = /^point (\S+) at (.+?) to /.exec(String(v.input?.change ?? ''));
    return m ? { domain: m[1], registrar: m[2] } : {};
  }
  // after_unknown mirrors the value: `true` for an unknown value, a list of booleans for a list.
  const unknownNs = u === true || (u && typeof u === 'object' && (u.name_servers === true || (Array.isArray(u.name_servers) && u.name_servers.includes(true))));
  return {
    domain: typeof t.domain === 'string' ? t.domain : undefined,
    registrar: typeof t.registrar === 'string' ? t.registrar : undefined,
    ns: !unknownNs && Array.isArray(t.name_servers) ? canonicalNameServers(t.name_servers as string[]) : undefined,
    repairing: Boolean(u && typeof u === 'object' && u.repair === true),
  };
}

const isBridge = (v: Record<string, any>): boolean =>
  (v.triggers_replace && typeof v.triggers_replace === 'object' && 'name_servers' in v.triggers_replace && 'registrar' in v.triggers_replace) ||
  /^point \S+ at /.test(String(v.input?.change ?? ''));
const isDsBridge = (v: Record<string, any>): boolean => Boolean(v.triggers_replace && typeof v.triggers_replace === 'object' && 'dnskey' in v.triggers_replace);
/** The DS record's release guard (modules/dnssec-delegation.ts: id "ds-release"). */
const isDnssecGuard = (c: ResourceChange): boolean => /_ds-release_[0-9A-F]{8}$/.test(blockAddress(c.address));
/** The delegation's release guard (id "release"); its `input` may be unknown while it is created. */
const isReleaseGuard = (c: ResourceChange): boolean => RELEASE_ID.test(blockAddress(c.address));
/** nsbridge's plan-time reads (`data.external`) and the holder of the previous name servers. */
const isBookkeeping = (c: ResourceChange): boolean =>
  (c.mode === 'data' && c.type === 'external' && /_(registrar-read|drift-read)_[0-9A-F]{8}$/.test(blockAddress(c.address))) ||
  (c.type === 'terraform_data' && /_previous_[0-9A-F]{8}$/.test(blockAddress(c.address)));

export function reviewPlan(plan: SavedPlan): PlanReview {
  const changes = plan.resourceChanges.flatMap((c) => {
    const change = changeOf(c.change.actions);
    return change === 'no-op' ? [] : [{ c, change, v: valuesOf(c) }];
  });
  // Every zone the plan knows (changed or not), for tying records to domains.
  const zoneByAddress = new Map<string, string>();
  const zoneById = new Map<string, string>();
  for (const c of plan.resourceChanges) {
    if (!ZONE_TYPES.has(c.type)) continue;
    const v = { ...(c.change.before ?? {}), ...(c.change.after ?? {}) };
    const name = dnsName(v.name);
    if (!name) continue;
    zoneByAddress.set(blockAddress(c.address), name);
    for (const id of [c.change.before?.zone_id, c.change.before?.id, c.change.after?.zone_id]) if (typeof id === 'string') zoneById.set(id, name);
  }
  const zoneNames = [...new Set(zoneByAddress.values())].sort((a, b) => b.length - a.length);

  const domainOf = (c: ResourceChange, v: Values, name?: string): string | undefined => {
    const refs = REFERS_TO_ZONE.flatMap((k) => plan.configuration.get(blockAddress(c.address))?.expressions?.[k]?.references ?? []);
    for (const r of refs) {
      const zone = zoneByAddress.get(r.replace(/\.(zone_id|id)$/, ''));
      if (zone) return zone;
    }
    for (const k of REFERS_TO_ZONE) {
      const id = v.before[k] ?? v.after[k];
      if (typeof id === 'string' && zoneById.has(id)) return zoneById.get(id);
    }
    if (name) return zoneNames.find((z) => name === z || name.endsWith(`.${z}`));
    return undefined;
  };

  const domains = new Map<string, { zone?: ZoneChange; records: RecordChange[]; delegation?: DelegationChange; dnssec: DnssecChange[]; warnings: string[] }>();
  const domain = (name: string) => {
    let d = domains.get(name);
    if (!d) domains.set(name, (d = { records: [], dnssec: [], warnings: [] }));
    return d;
  };
  const other: OtherChange[] = [];
  let bookkeeping = 0;

  for (const { c, change, v } of changes) {
    const either = change === 'delete' ? v.before : { ...v.before, ...v.after };
    if (isBookkeeping(c)) {
      bookkeeping++;
    } else if (ZONE_TYPES.has(c.type) && change !== 'read') {
      const name = dnsName(either.name);
      const attributes = change === 'update' ? Object.keys({ ...v.before, ...v.after }).filter((k) => JSON.stringify(v.before[k]) !== JSON.stringify(v.after[k]) || v.unknown[k] === true) : undefined;
      domain(name).zone = { change, address: c.address, ...(attributes ? { attributes } : {}) };
    } else if (RECORD_TYPES.has(c.type) && change !== 'read') {
      const before = change === 'create' ? undefined : recordSet(v.before, {});
      const after = change === 'delete' ? undefined : recordSet(v.after, v.unknown);
      const name = (after ?? before)!.name;
      const d = domainOf(c, v, name);
      if (!d) {
        other.push({ address: c.address, change });
        continue;
      }
      const records = domain(d).records;
      if (before && after && (before.name !== after.name || before.type !== after.type)) {
        records.push({ change: 'remove', address: c.address, before }, { change: 'add', address: c.address, after });
      } else {
        records.push({ change: before && after ? 'change' : before ? 'remove' : 'add', address: c.address, ...(before ? { before } : {}), ...(after ? { after } : {}) });
      }
    } else if (c.type === 'terraform_data' && isBridge(either)) {
      const b = bridgeTriggers(v.before, {});
      const a = change === 'delete' ? {} : bridgeTriggers(v.after, v.unknown);
      const name = a.domain ?? b.domain;
      if (!name) {
        other.push({ address: c.address, change });
        continue;
      }
      const registrar = a.registrar ?? b.registrar ?? '?';
      // Drift repair (modules/registrar-delegation.ts, repairDrift): the `repair` trigger is unknown
      // at plan exactly when the plan-time read found drift, while the name servers stay the same.
      const repair = a.repairing && b.ns && a.ns && b.ns.join() === a.ns.join();
      const delegation: DelegationChange =
        change === 'delete'
          ? { change: 'remove', address: c.address, registrar, current: b.ns, reason: 'the bridge goes away without touching the registrar (a release guard carries the destroy policy)' }
          : {
              change: repair ? 'repair' : 'set',
              address: c.address,
              registrar,
              ...(b.ns ? { current: b.ns } : {}),
              ...(a.ns ? { desired: a.ns } : {}),
              reason: repair
                ? 'drift: the registrar no longer holds what nsbridge set; this deploy sets it again'
                : !b.domain
                  ? 'new delegation'
                  : a.ns
                    ? 'the desired name servers changed'
                    : "the zone's name servers change (known after apply)",
            };
      const d = domain(name);
      // A release guard of the same domain says more than the bridge leaving.
      if (!(delegation.change === 'remove' && d.delegation?.change === 'release')) d.delegation = delegation;
    } else if (c.type === 'terraform_data' && isReleaseGuard(c)) {
      if (change !== 'delete') {
        bookkeeping++; // updated in place with the delegation it guards
        continue;
      }
      const input = v.before.input as Record<string, any>;
      const name = dnsName(input.domain);
      const prev = input.previous ? canonicalNameServers(String(input.previous).split(',').filter(Boolean)) : undefined;
      domain(name).delegation = {
        change: 'release',
        address: c.address,
        registrar: String(input.registrar),
        current: Array.isArray(input.name_servers) ? canonicalNameServers(input.name_servers) : undefined,
        ...(input.policy === 'restore' && prev ? { desired: prev } : {}),
        policy: String(input.policy),
        reason: `the destroy policy "${input.policy}" runs${input.policy === 'restore' ? ': the name servers the domain had before nsbridge are put back' : input.policy === 'retain' ? ': the registrar keeps pointing at the deleted zone' : ': the deploy fails here (refuse)'}`,
      };
    } else if (c.type === 'terraform_data' && (isDsBridge(either) || isDnssecGuard(c))) {
      const name = dnsName(either.triggers_replace?.domain ?? either.input?.domain);
      if (isDnssecGuard(c) && change !== 'delete') {
        bookkeeping++;
        continue;
      }
      const what = isDsBridge(either)
        ? change === 'delete'
          ? 'DS record bridge removed (the registrar is not touched; its release guard clears the DS)'
          : 'publish the DS record at the registrar'
        : 'clear the DS record at the registrar';
      domain(name).dnssec.push({ change, address: c.address, what });
    } else if (DNSSEC_TYPES[c.type] && change !== 'read') {
      const d = domainOf(c, v);
      if (!d) {
        other.push({ address: c.address, change });
        continue;
      }
      const status = either.signing_status ?? either.status;
      domain(d).dnssec.push({ change, address: c.address, what: `${DNSSEC_TYPES[c.type]}${status ? ` (${status})` : ''}` });
    } else if (c.mode === 'data' && change === 'read' && c.type === 'external') {
      bookkeeping++;
    } else {
      other.push({ address: c.address, change });
    }
  }

  // Loud flags: a zone going away (or getting new name servers) that the domain still delegates to.
  for (const [name, d] of domains) {
    if (d.zone?.change === 'delete' && !(d.delegation?.change === 'release' && d.delegation.policy === 'restore')) {
      const how = d.delegation?.change === 'release' ? `its release policy is "${d.delegation.policy}"` : 'no release of its delegation is in this plan';
      d.warnings.push(`ZONE DELETED while ${name} may still delegate to it (${how}): the domain stops resolving unless its registrar points elsewhere`);
    }
    if (d.zone?.change === 'replace') {
      d.warnings.push(
        `ZONE REPLACED: ${name} gets a new zone with new name servers; it resolves from the old zone until its delegation is set again${d.delegation ? '' : ', and this plan does not set it'}`,
      );
    }
  }

  const list = [...domains.entries()]
    .map(([name, d]) => ({ domain: name, ...(d.zone ? { zone: d.zone } : {}), records: sortRecords(d.records), ...(d.delegation ? { delegation: d.delegation } : {}), dnssec: d.dnssec, warnings: d.warnings }))
    .sort((a, b) => a.domain.localeCompare(b.domain));
  const warnings = list.flatMap((d) => d.warnings);
  return {
    schema: REVIEW_SCHEMA,
    ...(plan.engineVersion ? { engineVersion: plan.engineVersion } : {}),
    planFormat: plan.formatVersion,
    summary: summarize(list, other.length, warnings.length),
    domains: list,
    other: other.sort((a, b) => a.address.localeCompare(b.address)),
    bookkeeping,
    warnings,
  };
}

function sortRecords(records: RecordChange[]): RecordChange[] {
  const key = (r: RecordChange) => {
    const s = (r.after ?? r.before)!;
    return `${s.name.split('.').reverse().join('.')} ${s.type} ${s.setIdentifier ?? ''}`;
  };
  return records.sort((a, b) => key(a).localeCompare(key(b)));
}

function summarize(domains: DomainReview[], other: number, warnings: number): ReviewSummary {
  const s: ReviewSummary = {
    domains: domains.length,
    zonesCreated: 0,
    zonesReplaced: 0,
    zonesDeleted: 0,
    zonesUpdated: 0,
    recordsAdded: 0,
    recordsChanged: 0,
    recordsRemoved: 0,
    delegations: 0,
    driftRepairs: 0,
    releases: 0,
    dnssec: 0,
    other,
    warnings,
  };
  for (const d of domains) {
    if (d.zone?.change === 'create') s.zonesCreated++;
    if (d.zone?.change === 'replace') s.zonesReplaced++;
    if (d.zone?.change === 'delete') s.zonesDeleted++;
    if (d.zone?.change === 'update') s.zonesUpdated++;
    for (const r of d.records) {
      if (r.change === 'add') s.recordsAdded++;
      else if (r.change === 'change') s.recordsChanged++;
      else s.recordsRemoved++;
    }
    if (d.delegation?.change === 'set') s.delegations++;
    if (d.delegation?.change === 'repair') s.driftRepairs++;
    if (d.delegation?.change === 'release') s.releases++;
    s.dnssec += d.dnssec.length;
  }
  return s;
}

/** True when the plan changes nothing outside nsbridge's bookkeeping. */
export const reviewIsEmpty = (r: PlanReview): boolean => r.domains.length === 0 && r.other.length === 0;

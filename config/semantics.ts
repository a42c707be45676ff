/**
 * The checks of domains.yaml that need more than one value's type: domain-name rules and
 * duplicates, registrar ids and their settings, record contents (the very checks the constructs
 * run, from modules/record-values.ts), stack references and delegation-set choices.
 *
 * Runs on the raw parsed YAML whatever the schema found, skipping any value whose basic type is
 * wrong (the schema reports those), so the two passes together report every problem once.
 */
import { parseDuration } from '../core/duration';
import { checkDomainName } from '../core/names';
import type { RegistrarId } from '../modules';
import {
  checkDnssecOptions,
  checkRecords,
  checkRegistrarId,
  checkRegistrarSettings,
  defaultDestroyPolicy,
  DnssecPublishingOptions,
  E,
  isRegistrarId,
  MAX_TTL,
  MIN_TTL,
  RECORD_TYPES,
  RecordSpec,
  restoreUnsupportedReason,
} from '../modules/internal';

export type Path = (string | number)[];
export interface Issue {
  readonly path: Path;
  readonly message: string;
}

/** Name of the stack used when the file defines no `stacks:`. */
export const DEFAULT_STACK = 'nsbridge';
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const DELEGATION_SET_ID = /^(?:\/delegationset\/)?N[A-Z0-9]{1,31}$/;
export const DELEGATION_SET_CHOICES = ['none', 'own', 'stack'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** Keys each structured record value accepts (the TS types enforce this for the constructs). */
const VALUE_KEYS: Record<string, readonly string[]> = {
  MX: ['priority', 'host'],
  SRV: ['priority', 'weight', 'port', 'target'],
  CAA: ['flags', 'tag', 'value'],
};

/**
 * A record of the file as the constructs' RecordSpec: `value:` is shorthand for a one-element
 * `values:`, a missing name is the apex, and `defaults.ttl` fills a missing ttl.
 * Returns undefined (with issues) when the record cannot be checked further.
 */
export function toRecordSpec(raw: unknown, path: Path, defaultTtl: unknown, issues: Issue[]): RecordSpec | undefined {
  if (!isObject(raw) || typeof raw.type !== 'string') return undefined; // shape errors: schema's job
  if (raw.name !== undefined && typeof raw.name !== 'string') return undefined;
  if (raw.values !== undefined && !Array.isArray(raw.values)) return undefined;
  if (raw.value !== undefined && raw.values !== undefined) {
    issues.push({ path: [...path, 'value'], message: 'give either "value" (one) or "values" (a list), not both' });
    return undefined;
  }
  // Types are accepted in any case (a, mx); anything unknown is echoed as written.
  const type = (RECORD_TYPES as readonly string[]).includes(raw.type.toUpperCase()) ? raw.type.toUpperCase() : raw.type;
  const name = (raw.name as string | undefined) ?? '@';
  if (raw.alias !== undefined) {
    if (!isObject(raw.alias) || typeof raw.alias.dnsName !== 'string') return undefined;
    if (raw.value !== undefined || raw.values !== undefined) {
      issues.push({ path: [...path, 'alias'], message: E.aliasAndValues() });
      return undefined;
    }
    return { type: type as 'A', name, alias: raw.alias as { dnsName: string }, ...(raw.ttl !== undefined ? { ttl: raw.ttl } : {}) } as RecordSpec;
  }
  const values = raw.values ?? (raw.value !== undefined ? [raw.value] : undefined);
  const keys = VALUE_KEYS[type];
  if (keys && Array.isArray(values)) {
    let ok = true;
    values.forEach((v, i) => {
      const where = [...path, raw.values !== undefined ? 'values' : 'value', ...(raw.values !== undefined ? [i] : [])];
      if (!isObject(v)) {
        issues.push({ path: where, message: `${E.aType(type)} value is a mapping with ${keys.join(', ')}; got ${E.show(v)}` });
        ok = false;
        return;
      }
      for (const k of Object.keys(v)) {
        if (!keys.includes(k)) {
          issues.push({ path: [...where, k], message: `unknown key ${E.show(k)}; ${E.aType(type)} value has ${keys.join(', ')}` });
          ok = false;
        }
      }
    });
    if (!ok) return undefined;
  }
  return { type, name, values, ttl: raw.ttl ?? defaultTtl } as RecordSpec;
}

/** A record problem's path: `value` shorthand is reported where the user wrote it. */
function recordIssuePath(raw: unknown, recordPath: Path, sub: readonly (string | number)[]): Path {
  if (isObject(raw) && raw.values === undefined && raw.value !== undefined && sub[0] === 'values') {
    return [...recordPath, 'value', ...sub.slice(2)];
  }
  return [...recordPath, ...sub];
}

export function semanticIssues(raw: unknown): Issue[] {
  const issues: Issue[] = [];
  if (!isObject(raw)) return issues;

  // defaults
  const defaults = isObject(raw.defaults) ? raw.defaults : {};
  if (defaults.ttl !== undefined && !isInt(defaults.ttl, MIN_TTL, MAX_TTL)) {
    issues.push({ path: ['defaults', 'ttl'], message: E.invalidTtl(defaults.ttl, MIN_TTL, MAX_TTL) });
  }
  const defaultTtl = isInt(defaults.ttl, MIN_TTL, MAX_TTL) ? defaults.ttl : undefined;
  const checkWait = (value: unknown, path: Path) => {
    if (typeof value !== 'string') return;
    try {
      parseDuration(value);
    } catch (err) {
      issues.push({ path, message: (err as Error).message });
    }
  };
  checkWait(defaults.waitForDelegation, ['defaults', 'waitForDelegation']);

  // stacks
  const stacks = isObject(raw.stacks) ? raw.stacks : undefined;
  const stackNames = stacks ? Object.keys(stacks) : [DEFAULT_STACK];
  const stacksWithSet = new Set<string>();
  if (stacks) {
    if (stackNames.length === 0) issues.push({ path: ['stacks'], message: 'defines no stack; remove "stacks:" to use the default stack, or add one' });
    for (const name of stackNames) {
      if (!STACK_NAME.test(name)) issues.push({ path: ['stacks', name], message: E.invalidStackName(name) });
      const s = stacks[name];
      if (!isObject(s)) continue;
      if (typeof s.delegationSet === 'string') {
        if (s.delegationSet === 'create' || DELEGATION_SET_ID.test(s.delegationSet)) stacksWithSet.add(name);
        else {
          issues.push({
            path: ['stacks', name, 'delegationSet'],
            message: `${E.show(s.delegationSet)} is neither "create" (a new reusable delegation set for this stack) nor an existing delegation set id (e.g. N1PA6795SAMPLE)`,
          });
        }
      }
      const b = s.backend;
      if (isObject(b) && b.type === 's3' && b.useLockfile === false && b.dynamodbTable === undefined) {
        issues.push({
          path: ['stacks', name, 'backend'],
          message: 'an S3 backend without locking lets two applies overwrite each other\'s state; keep useLockfile (the default) or set dynamodbTable',
        });
      }
    }
  }

  // domains
  if (!Array.isArray(raw.domains)) return issues;
  const seen = new Map<string, number>();
  raw.domains.forEach((d, i) => {
    const path: Path = ['domains', i];
    if (!isObject(d)) return;

    let zone: string | undefined;
    if (typeof d.name === 'string') {
      const r = checkDomainName(d.name);
      if (!r.ok) issues.push({ path: [...path, 'name'], message: E.invalidDomainName(d.name, r.reason) });
      else {
        zone = r.value;
        const first = seen.get(zone);
        if (first !== undefined) issues.push({ path: [...path, 'name'], message: E.duplicateDomain(d.name, zone, `domains[${first}]`) });
        else seen.set(zone, i);
      }
    }

    const retired = d.retired === true;
    let registrar: RegistrarId | undefined;
    if (d.registrar === undefined && !retired) {
      // The schema leaves it optional because a retired entry does not need it (the release step
      // reads the registrar from the state); a live one does.
      issues.push({ path: [...path, 'registrar'], message: 'is required (the registrar that holds the domain, e.g. godaddy)' });
    } else if (typeof d.registrar === 'string') {
      const problems = checkRegistrarId(d.registrar);
      for (const message of problems) issues.push({ path: [...path, 'registrar'], message });
      if (problems.length === 0) registrar = d.registrar as RegistrarId;
    }
    if (registrar && isObject(d.registrarSettings)) {
      for (const p of checkRegistrarSettings(registrar, d.registrarSettings)) {
        issues.push({ path: [...path, 'registrarSettings', ...p.path], message: p.message });
      }
    }

    checkWait(d.waitForDelegation, [...path, 'waitForDelegation']);

    // DNSSEC: the registrar must publish a DS (unless publish: false); durations must parse. Only
    // values of the right type are checked (the schema reports the others).
    if (!retired && (d.dnssec === true || isObject(d.dnssec))) {
      const options = Object.fromEntries(
        Object.entries(isObject(d.dnssec) ? d.dnssec : {}).filter(([k, v]) => (k === 'publish' ? typeof v === 'boolean' : typeof v === 'string')),
      ) as DnssecPublishingOptions;
      for (const p of checkDnssecOptions(typeof d.name === 'string' ? d.name : '', registrar, options)) {
        issues.push({ path: [...path, 'dnssec', ...p.path], message: p.message });
      }
    }

    // Destroy policy: restore needs a registrar nsbridge can read; a retirement runs the policy.
    const policy = destroyPolicyOf(d, defaults);
    const policyPath: Path = typeof d.destroyPolicy === 'string' ? [...path, 'destroyPolicy'] : ['defaults', 'destroyPolicy'];
    if (registrar && policy === 'restore' && !retired) {
      const reason = restoreUnsupportedReason(registrar);
      if (reason !== undefined) issues.push({ path: policyPath, message: `${E.restoreNotSupported(registrar, reason)} for ${E.show(d.name)}` });
    }
    if (retired && policy === 'refuse') {
      issues.push({
        path: [...path, 'retired'],
        message:
          `${E.show(d.name)} has destroy policy "refuse", so the deploy that retires it would fail at the registrar step: ` +
          'first deploy with destroyPolicy "restore" or "retain" for this domain, then set retired: true',
      });
    }

    let stack: string | undefined;
    if (typeof d.stack === 'string') {
      if (!stackNames.includes(d.stack)) {
        issues.push({
          path: [...path, 'stack'],
          message: stacks
            ? `stack ${E.show(d.stack)} is not defined under "stacks:"; defined: ${stackNames.join(', ')}`
            : `stack ${E.show(d.stack)} is not defined; add it under "stacks:" (without "stacks:" every domain goes to the stack "${DEFAULT_STACK}")`,
        });
      } else stack = d.stack;
    } else if (d.stack === undefined) {
      if (stackNames.length === 1) stack = stackNames[0];
      else if (stackNames.length > 1) {
        issues.push({ path: [...path, 'stack'], message: `is required when several stacks are defined; use one of ${stackNames.join(', ')}` });
      }
    }

    if (typeof d.delegationSet === 'string') {
      const v = d.delegationSet;
      if (v === 'stack') {
        if (stack !== undefined && !stacksWithSet.has(stack)) {
          issues.push({ path: [...path, 'delegationSet'], message: `"stack" needs stacks.${stack}.delegationSet (create, or an existing set id)` });
        }
      } else if (!(DELEGATION_SET_CHOICES as readonly string[]).includes(v) && !DELEGATION_SET_ID.test(v)) {
        issues.push({ path: [...path, 'delegationSet'], message: `${E.show(v)} is not one of none, own, stack, or a delegation set id (e.g. N1PA6795SAMPLE)` });
      }
    }

    // A retired entry's records are not synthesized, but they are still checked: the entry may be
    // un-retired, and a wrong record is wrong either way.
    if (zone !== undefined && Array.isArray(d.records)) {
      const specs: RecordSpec[] = [];
      const origins: number[] = [];
      d.records.forEach((r, j) => {
        const spec = toRecordSpec(r, [...path, 'records', j], defaultTtl, issues);
        if (spec) {
          specs.push(spec);
          origins.push(j);
        }
      });
      for (const p of checkRecords(specs, zone).problems) {
        const j = origins[p.path[0] as number]!;
        issues.push({ path: recordIssuePath(d.records[j], [...path, 'records', j], p.path.slice(1)), message: p.message });
      }
    }
  });
  return issues;
}

/**
 * The destroy policy a domain ends up with: its own, else `defaults.destroyPolicy`, else the
 * registrar's default (restore where nsbridge can read the registrar, else retain).
 */
export const destroyPolicyOf = (d: { destroyPolicy?: unknown; registrar?: unknown }, defaults: { destroyPolicy?: unknown } | undefined): string => {
  if (typeof d.destroyPolicy === 'string') return d.destroyPolicy;
  if (typeof defaults?.destroyPolicy === 'string') return defaults.destroyPolicy;
  return isRegistrarId(d.registrar) ? defaultDestroyPolicy(d.registrar) : 'retain';
};

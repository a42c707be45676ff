/**
 * `ds get`, `ds set`, `ds clear`: the DNSSEC delegation signer (DS) records at the registrar.
 *
 * The safe order of DNSSEC (RFC 6781 4.1.2, RFC 7583): the zone is signed and every name server
 * serves the key BEFORE the DS goes up at the parent (`set --wait-signed`); a key roll adds the
 * new DS before removing the old one (`planDnssec`: adds first), and the old key may go only once
 * resolvers can no longer hold the old DS from cache (`set --hold-replaced parent-ttl` returns
 * only then: the parent dropped the old DS, plus its TTL); and turning DNSSEC off removes
 * the DS, then keeps the zone signed until resolvers can no longer hold the old DS from cache,
 * i.e. for the parent's DS TTL (`clear --wait --hold parent-ttl`). A DS without a served key makes
 * the domain fail validation for everyone behind a validating resolver.
 */
import { Command } from 'commander';
import type { Output } from '../output';
import { parseDomain, parseRegistrar } from '../inputs';
import { client, common, CommonOptions, parseWait, withDnsServer } from '../command-kit';
import { configFor } from '../dns-checks';
import { REGISTRARS } from '../../registrar-adapters/catalog';
import type { DnssecOperations, RegistrarClient, RegistrarId, RegistrarInfo } from '../../registrar-adapters/core/types';
import { RegistrarError, RegistrarUnsupportedError, UsageError } from '../../core/errors';
import { readBooleanSetting } from '../../registrar-adapters/core/environment';
import { formatDuration } from '../../core/duration';
import {
  DnskeyRecord,
  DnssecRecord,
  dnssecRecordJson,
  dsFromDnskey,
  DsRecord,
  formatDnskey,
  formatDs,
  InvalidDnssecError,
  parseDnskey,
  parseDs,
  planDnssec,
  recordFromDnskey,
  sameDnssecRecord,
} from '../../core/dnssec';
import { canonicalNameServers } from '../../core/names';
import type { DnsConfig } from '../../dns/config';
import {
  describeDnskeyView,
  describeDsView,
  dsStandsFor,
  DsVerifyResult,
  DsView,
  parentDsTtl,
  parentDsViews,
  pollIntervalMs,
  shortDs,
  verifyParentDs,
  verifyParentDsGone,
  waitForSignedZone,
} from '../../dns/dnssec';
import { findParentZone } from '../../dns/delegation';
import { quoteInput } from '../../core/quote';

/** `--hold` (`--hold-replaced`) without `--wait`: how long to wait for the parent to drop the DS before holding. */
const DEFAULT_HOLD_WAIT_MS = 60 * 60_000;

/** What to do at a registrar nsbridge cannot give a DS to, when its capability reason does not say. */
const UNSUPPORTED_FIX: Partial<Record<RegistrarId, string>> = {
  cloudflare:
    'keep DNS at Cloudflare and turn DNSSEC on there (Cloudflare then publishes its own DS), or move the domain to a registrar that takes a DS; --registrar manual cannot help, Cloudflare\'s dashboard has no DS field either',
};
const GENERIC_FIX =
  'enter the DS in the registrar\'s dashboard yourself, or use --registrar manual, which prints the record to enter and waits until the parent zone serves it';

interface DsOptions extends CommonOptions {
  ds?: string[];
  dnskey?: string[];
  dryRun?: boolean;
  wait?: string;
  waitSigned?: string;
  hold?: string;
  holdReplaced?: string;
  dnsServer?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function parentCheckOn(env: NodeJS.ProcessEnv): boolean {
  return !(env.NSBRIDGE_PARENT_CHECK !== undefined && !readBooleanSetting(env, 'NSBRIDGE_PARENT_CHECK'));
}

/** Exit 2 before anything is sent when nsbridge cannot manage DS records at this registrar. */
function requireDnssec(registrar: RegistrarId, command: string, domain: string): RegistrarInfo {
  const info = REGISTRARS[registrar];
  const cap = info.capabilities.dnssec;
  if (!cap.supported) {
    // Some reasons already say what to do (Namecheap's: its dashboard, or --registrar manual).
    const fix = UNSUPPORTED_FIX[registrar] ?? (/--registrar manual/.test(cap.reason) ? undefined : GENERIC_FIX);
    throw new UsageError(`${registrar}: ${command} ${domain}: ${info.name} does not take DNSSEC records through nsbridge: ${cap.reason}${cap.link ? ` (${cap.link})` : ''}${fix ? `; ${fix}` : ''}; nothing was sent`);
  }
  return info;
}

function operationsOf(registrar: RegistrarId, domain: string, c: RegistrarClient): DnssecOperations {
  if (!c.dnssec) {
    throw new RegistrarUnsupportedError({ registrar, operation: 'DNSSEC', domain, cause: 'the adapter declares DNSSEC support but has no DNSSEC operations', hint: 'report this as an nsbridge bug' });
  }
  return c.dnssec;
}

function parseRecords(registrar: RegistrarId, domain: string, flag: string, values: string[], parse: (s: string) => unknown): void {
  for (const v of values) {
    try {
      parse(v);
    } catch (e) {
      if (e instanceof InvalidDnssecError) throw new UsageError(`${registrar}: ds set ${domain}: ${flag} ${quoteInput(v)}: ${e.message}; nothing was sent`);
      throw e;
    }
  }
}

/** A given DS is the DS of a given key (same key tag, algorithm and digest for its digest type). */
function dsOfKey(domain: string, ds: DsRecord, key: DnskeyRecord): boolean {
  try {
    return formatDs(dsFromDnskey(domain, key, ds.digestType)) === formatDs(ds);
  } catch {
    return false;
  }
}

interface Desired {
  readonly records: DnssecRecord[];
  /** DS computed by nsbridge from a --dnskey (no --ds given for that key). */
  readonly computed: DnssecRecord[];
}

/**
 * The records `ds set` is asked for, checked against what the registrar takes: a --ds and the
 * --dnskey it was computed from become one record; a --dnskey alone gets its SHA-256 DS.
 */
function desiredRecords(registrar: RegistrarId, info: RegistrarInfo, domain: string, dsValues: string[], keyValues: string[]): Desired {
  if (dsValues.length === 0 && keyValues.length === 0) {
    throw new UsageError(`${registrar}: ds set ${domain}: give at least one --ds "<keyTag> <alg> <digestType> <digest>" or --dnskey "<flags> <protocol> <alg> <base64 key>"; to remove every DS record use nsbridge ds clear`);
  }
  parseRecords(registrar, domain, '--ds', dsValues, parseDs);
  parseRecords(registrar, domain, '--dnskey', keyValues, parseDnskey);
  const dsList = dsValues.map(parseDs);
  const keys = keyValues.map(parseDnskey);
  const records: DnssecRecord[] = [];
  const computed: DnssecRecord[] = [];
  const usedKeys = new Set<number>();
  for (const ds of dsList) {
    const i = keys.findIndex((k) => dsOfKey(domain, ds, k));
    if (i >= 0) {
      usedKeys.add(i);
      records.push({ ds, dnskey: keys[i] });
    } else if (info.dnssecInput === 'dnskey') {
      throw new UsageError(
        `${registrar}: ds set ${domain}: ${info.name} takes the DNSKEY (public key) and computes the DS itself, and a DS cannot be turned back into its key: ` +
          `--ds "${formatDs(ds)}" has ${keys.length ? 'no matching' : 'no'} --dnskey; give the key-signing key as --dnskey "<flags> <protocol> <alg> <base64 public key>" ` +
          '(Route 53: the key-signing key\'s dnskey_record attribute in Terraform, or "aws route53 get-dnssec --hosted-zone-id <id>": KeySigningKeys[].DNSKEYRecord); nothing was sent',
      );
    } else {
      records.push({ ds });
    }
  }
  keys.forEach((k, i) => {
    if (usedKeys.has(i)) return;
    const r = recordFromDnskey(domain, k);
    records.push(r);
    if (info.dnssecInput !== 'dnskey') computed.push(r);
  });
  const unique = records.filter((r, i) => records.findIndex((o) => sameDnssecRecord(o, r)) === i);
  return { records: unique, computed };
}

/** What the registrar holds, as JSON: a DS registrar never holds the DNSKEY. */
function heldJson(info: RegistrarInfo, r: DnssecRecord) {
  return info.dnssecInput === 'dnskey' ? dnssecRecordJson(r) : dnssecRecordJson({ ds: r.ds });
}

function recordLines(r: DnssecRecord): string[] {
  return [`DS ${formatDs(r.ds)}`, ...(r.dnskey ? [`DNSKEY ${formatDnskey(r.dnskey)}`] : [])];
}

/** Days and hours for the long holds (a .com DS TTL is a day), formatDuration below an hour. */
function humanDuration(ms: number): string {
  if (ms < 3_600_000) return formatDuration(ms);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.round((ms - h * 3_600_000) / 60_000);
  return `${h}h${m ? `${m}m` : ''}`;
}

function parseHold(value: string | undefined, flag = '--hold'): number | 'parent-ttl' | undefined {
  if (value === undefined) return undefined;
  if (value.trim().toLowerCase() === 'parent-ttl') return 'parent-ttl';
  return parseWait(value, flag);
}

type Hold = { ms: number; why: string; ttl?: number };

/** The parent zone's DS RRset for the domain, as each of its servers serves it now. */
async function readParentDs(domain: string, dns: DnsConfig): Promise<{ zone: string; views: DsView[] }> {
  const parent = await findParentZone(domain, dns);
  const views = await parentDsViews(domain, parent, dns);
  if (views.every((v) => !v.ok)) throw new Error(views.map(describeDsView).join('; '));
  return { zone: parent.zone, views };
}

function parentTtlReadError(registrar: RegistrarId, domain: string, e: unknown, nothing: string, flag: string): RegistrarError {
  return new RegistrarError({
    registrar,
    operation: 'read DS TTL',
    domain,
    cause: `the parent zone's DS TTL could not be read: ${(e as Error).message}; nothing was ${nothing}`,
    hint: `check NSBRIDGE_DNS_SERVER (or --dns-server), or give ${flag} a duration (e.g. 24h for .com)`,
  });
}

/**
 * `parent-ttl`: the DS TTL the parent's servers serve, read BEFORE the change (afterwards the
 * removed DS is no longer served, and its TTL with it). No DS served: nothing to hold.
 */
function ttlHold(zone: string, views: readonly DsView[], change: string): Hold {
  const ttl = parentDsTtl(views);
  return ttl === undefined
    ? { ms: 0, why: `the ${zone} servers served no DS before ${change}, so no resolver can hold one` }
    : { ms: ttl * 1000, why: `the DS TTL the ${zone} servers served before ${change} (${ttl} s)`, ttl };
}

function reportDs(registrar: string, domain: string, out: Output, what: string): (r: DsVerifyResult) => void {
  return (r) => {
    // `what` is worded for one server ("serves ..."); here it follows a count of servers.
    if (!r.verified) out.log(`${registrar}: ${domain}: ${r.agreeing.length}/${r.views.length} ${r.parent.zone} servers ${what.replace(/^serves\b/, 'serve')}; not yet: ${r.views.filter((v) => r.disagreeing.includes(v.server)).map(describeDsView).join('; ')}`);
  };
}

/**
 * After a change: wait for the parent (`waitMs` > 0, exit 1 on timeout), or report its view once
 * (never fails: registries take minutes to hours).
 */
async function afterChange(
  registrar: RegistrarId,
  domain: string,
  wanted: readonly DnssecRecord[],
  dns: DnsConfig,
  waitMs: number,
  intervalMs: number,
  out: Output,
  what: string,
  timeoutHint?: string,
): Promise<void> {
  let result: DsVerifyResult;
  try {
    result = await verifyParentDs(domain, wanted, dns, { timeoutMs: waitMs, intervalMs, onProgress: waitMs > 0 ? reportDs(registrar, domain, out, what) : undefined });
  } catch (e) {
    if (waitMs > 0) throw new RegistrarError({ registrar, operation: 'verify DS', domain, cause: `DNS lookups failed: ${(e as Error).message}`, hint: 'check NSBRIDGE_DNS_SERVER (or --dns-server)' });
    out.log(`${registrar}: ${domain}: could not read the parent zone's DS: ${(e as Error).message}`);
    return;
  }
  if (result.verified) {
    out.log(`${registrar}: ${domain}: every ${result.parent.zone} server ${what}`);
    return;
  }
  if (waitMs > 0) {
    throw new RegistrarError({
      registrar,
      operation: 'verify DS',
      domain,
      cause: `not every ${result.parent.zone} server ${what} after ${humanDuration(waitMs)}: ${result.views.map(describeDsView).join('; ')}`,
      hint: `the registrar accepted the change; the registry may still be publishing it: check again later with nsbridge ds get or dig DS${timeoutHint ? `; ${timeoutHint}` : ''}`,
    });
  }
  out.log(`${registrar}: ${domain}: the registry has not published the DS change yet (normal for minutes to hours): ${result.views.map(describeDsView).join('; ')}`);
}

const KEEP_OLD_KEY = 'the old key must be kept (signing) until the parent has dropped the old DS and its TTL has passed: do not delete it before';

/**
 * `ds set --hold-replaced`, first half: after a change that removed DS records (a key roll), wait
 * until no parent server serves them any more (within `boundMs`, counted from the write); exit 1
 * with what to do otherwise.
 */
async function waitReplacedGone(
  registrar: RegistrarId,
  domain: string,
  removed: readonly DnssecRecord[],
  dns: DnsConfig,
  boundMs: number,
  since: number,
  intervalMs: number,
  out: Output,
): Promise<void> {
  const old = removed.map((r) => `DS ${shortDs(r.ds)}`).join(', ');
  const operation = 'wait for the old DS to go';
  let result: DsVerifyResult;
  try {
    result = await verifyParentDsGone(domain, removed, dns, {
      timeoutMs: Math.max(0, boundMs - (Date.now() - since)),
      intervalMs,
      onProgress: (r) => {
        if (!r.verified) out.log(`${registrar}: ${domain}: ${r.agreeing.length}/${r.views.length} ${r.parent.zone} servers have dropped the replaced ${old}; not yet: ${r.views.filter((v) => r.disagreeing.includes(v.server)).map(describeDsView).join('; ')}`);
      },
    });
  } catch (e) {
    throw new RegistrarError({ registrar, operation, domain, cause: `DNS lookups failed: ${(e as Error).message}; the registrar holds the new DS`, hint: `check NSBRIDGE_DNS_SERVER (or --dns-server); ${KEEP_OLD_KEY}` });
  }
  if (!result.verified) {
    throw new RegistrarError({
      registrar,
      operation,
      domain,
      cause: `the new DS is published at ${REGISTRARS[registrar].name}, but not every ${result.parent.zone} server has dropped the replaced ${old} after ${humanDuration(boundMs)}: ${result.views.map(describeDsView).join('; ')}`,
      hint: `${KEEP_OLD_KEY}; the registry may still be publishing the removal (check with nsbridge ds get or dig DS; ask ${REGISTRARS[registrar].name} if it lasts), then run again with a longer --wait`,
    });
  }
  out.log(`${registrar}: ${domain}: every ${result.parent.zone} server has dropped the replaced ${old}`);
}

/**
 * `ds set --hold-replaced`, second half: once the parent dropped the old DS, keep running while
 * validating resolvers may still hold it from cache, so that whoever deletes the old key next
 * (Terraform, right after this returns) does so only when no resolver needs it. Returns the hold.
 */
async function holdAfterReplaced(registrar: RegistrarId, domain: string, hold: Hold, out: Output): Promise<number> {
  if (hold.ms === 0) {
    out.log(`${registrar}: ${domain}: no hold needed: ${hold.why}; the old key may go now`);
    return 0;
  }
  const upTo = hold.ttl !== undefined ? `${hold.ttl} s` : 'the parent\'s DS TTL';
  out.log(
    `${registrar}: ${domain}: holding ${humanDuration(hold.ms)} (until ${new Date(Date.now() + hold.ms).toISOString()}): ${hold.why}: ` +
      `resolvers may have cached the old DS for up to ${upTo}; the old key keeps signing until then`,
  );
  out.deadline?.extend(hold.ms);
  await new Promise((r) => setTimeout(r, hold.ms));
  out.log(`${registrar}: ${domain}: hold over: no resolver can hold the old DS any more; the old key may go now`);
  return hold.ms;
}

export function registerDsCommands(program: Command, out: Output): void {
  const verbose = () => {
    out.verbose = Boolean(program.opts().verbose);
  };
  const ds = program
    .command('ds')
    .description('DNSSEC: the DS (delegation signer) records the registrar holds for the domain (get, set, clear)');

  common(ds.command('get').description('print the DS records (and DNSKEYs, where the registrar keeps them) the registrar holds for the domain'))
    .addHelpText('after', '\nText: one line per record, "DS <keyTag> <alg> <digestType> <digest>", then "DNSKEY <flags> <protocol> <alg> <key>" when known.' + '\nJSON: {"registrar":..,"domain":..,"records":[{"ds":"..","dnskey":".."?}]}')
    .action(async (opts: DsOptions) => {
      verbose();
      const registrar = parseRegistrar(opts.registrar);
      const domain = parseDomain(opts.domain, (m) => out.log(m));
      requireDnssec(registrar, 'ds get', domain);
      const records = await operationsOf(registrar, domain, await client(registrar, out)).getDnssecRecords(domain);
      if (opts.json) out.json({ registrar, domain, records: records.map(dnssecRecordJson) });
      else if (records.length === 0) out.log(`${registrar}: ${domain}: no DS records (DNSSEC is off at the registrar)`);
      else out.stdout(`${records.flatMap(recordLines).join('\n')}\n`);
    });

  common(
    ds
      .command('set')
      .description('make the registrar hold exactly these DS records (reads first; adds before it removes; writes only what differs)'),
  )
    .option('--ds <record>', 'a DS record, "<keyTag> <algorithm> <digestType> <hex digest>" (repeatable)', collect)
    .option('--dnskey <record>', 'a DNSKEY, "<flags> <protocol> <algorithm> <base64 public key>" (repeatable); for DS registrars nsbridge computes its SHA-256 DS', collect)
    .option('--dry-run', 'read and report what would change (--wait-signed included); never write')
    .option('--wait-signed <duration>', 'before writing, wait until every name server of the domain serves the matching DNSKEY (e.g. 10m); exit 1 on timeout, nothing written')
    .option('--wait <duration>', 'after writing, wait until every parent-zone server serves exactly these DS records (e.g. 1h); exit 1 on timeout')
    .option(
      '--hold-replaced <duration|parent-ttl>',
      'when this run removes DS records (a key roll): wait until no parent-zone server serves them (up to --wait, default 1h), then keep running this long (parent-ttl: the DS TTL the parent served before the change), so the old key can keep signing while resolvers may still hold the old DS',
    )
    .option('--dns-server <ip[:port]>', 'recursive resolver for DNS checks (default: NSBRIDGE_DNS_SERVER, else the system resolvers)')
    .addHelpText(
      'after',
      '\nJSON: {"registrar":..,"domain":..,"changed":true|false,"before":[..],"after":[..],"dryRun":false,"held":<ms>?}, records as in ds get;' +
        '\n"held" only when --hold-replaced held.' +
        '\nSafe order: sign the zone first; --wait-signed refuses to publish a DS that no served key matches.' +
        '\nA key roll (--ds of the new key only) adds the new DS before it removes the old one. Delete the old key only' +
        '\nwhen resolvers can no longer hold the old DS: --hold-replaced parent-ttl returns only then.' +
        '\nRegistrars that take the DNSKEY (gandi, route53domains) need --dnskey; the others take --ds or --dnskey.' +
        '\nWithout --wait the parent zone\'s DS is reported once (NSBRIDGE_PARENT_CHECK=0 skips it).' +
        '\nExit: 0 done (or nothing to do), 1 registrar/network/DNS failure or timeout, 2 bad input (nothing sent).',
    )
    .action(async (opts: DsOptions) => {
      verbose();
      const registrar = parseRegistrar(opts.registrar);
      const domain = parseDomain(opts.domain, (m) => out.log(m));
      const info = requireDnssec(registrar, 'ds set', domain);
      const { records: desired, computed } = desiredRecords(registrar, info, domain, opts.ds ?? [], opts.dnskey ?? []);
      const waitMs = parseWait(opts.wait, '--wait');
      const waitSignedMs = opts.waitSigned === undefined ? undefined : parseWait(opts.waitSigned, '--wait-signed');
      out.deadline?.extend(waitMs + (waitSignedMs ?? 0));
      const holdReplaced = parseHold(opts.holdReplaced, '--hold-replaced');
      const env = withDnsServer(opts.dnsServer);
      const check = parentCheckOn(env);
      // DNS settings resolved now, so a bad one is a usage error before anything is sent.
      const dns = waitSignedMs === undefined && waitMs === 0 && !check && holdReplaced === undefined ? undefined : configFor(env);
      const intervalMs = pollIntervalMs(env);
      const dryRun = Boolean(opts.dryRun);
      const c = await client(registrar, out, env);
      const dnssec = operationsOf(registrar, domain, c);
      for (const r of computed) {
        const note = `${registrar}: ${domain}: DS ${formatDs(r.ds)} computed (SHA-256) from --dnskey ${formatDnskey(r.dnskey!)}`;
        if (opts.json) out.log(note);
        else out.stdout(`${note}\n`);
      }
      const current = await dnssec.getDnssecRecords(domain);
      const plan = planDnssec(current, desired);
      if (plan.changed && waitSignedMs !== undefined) {
        const nameServers = canonicalNameServers(await c.getNameServers(domain));
        if (nameServers.length === 0) {
          throw new RegistrarError({ registrar, operation: 'wait for signed zone', domain, cause: 'the registrar delegates the domain to no name servers; nothing was written', hint: 'set the name servers first (nsbridge set)' });
        }
        out.log(`${registrar}: ${domain}: checking that ${nameServers.join(', ')} serve the DNSKEY for the DS${waitSignedMs ? ` (waiting up to ${humanDuration(waitSignedMs)})` : ''}`);
        let result;
        try {
          result = await waitForSignedZone(domain, nameServers, desired, dns!, {
            timeoutMs: waitSignedMs,
            intervalMs,
            onProgress: (r) => {
              if (!r.signed) out.log(`${registrar}: ${domain}: ${r.ready.length}/${r.views.length} name servers serve the key; not yet: ${r.views.filter((v) => r.notReady.includes(v.server)).map((v) => describeDnskeyView(domain, v, desired)).join('; ')}`);
            },
          });
        } catch (e) {
          throw new RegistrarError({ registrar, operation: 'wait for signed zone', domain, cause: `DNS lookups failed: ${(e as Error).message}; nothing was written`, hint: 'check NSBRIDGE_DNS_SERVER (or --dns-server)' });
        }
        if (!result.signed) {
          throw new RegistrarError({
            registrar,
            operation: 'wait for signed zone',
            domain,
            cause:
              `${result.notReady.length} of ${result.views.length} name servers do not serve a DNSKEY matching the DS${waitSignedMs ? ` after ${humanDuration(waitSignedMs)}` : ''}: ` +
              `${result.views.filter((v) => result.notReady.includes(v.server)).map((v) => describeDnskeyView(domain, v, desired)).join('; ')}; nothing was written (a DS without its key would make the domain fail validation)`,
            hint: 'turn on signing for the zone (Route 53: a key-signing key and DNSSEC signing enabled) and check that the DS is the key-signing key\'s, then run again',
          });
        }
        out.log(`${registrar}: ${domain}: every name server (${result.views.length}) serves the key: the zone is signed`);
      }
      // A roll removes the old DS; resolvers may have cached it for the parent's DS TTL, and the
      // old key must keep signing that long. The parent is read now: once removed, the old DS and
      // its TTL are no longer served.
      let replacedRecords: DnssecRecord[] = [];
      let hold: Hold | undefined;
      if (holdReplaced !== undefined) {
        let parent;
        try {
          parent = await readParentDs(domain, dns!);
        } catch (e) {
          if (plan.remove.length > 0) throw parentTtlReadError(registrar, domain, e, 'written', '--hold-replaced');
          out.log(`${registrar}: ${domain}: could not read the parent zone's DS (${(e as Error).message}); nothing is removed, so nothing is held`);
        }
        // A DS the parent still serves that the registrar no longer holds and that is not wanted:
        // a roll whose hold failed (exit 1) and is run again. It is held for as if removed now.
        const stale: DnssecRecord[] = [];
        for (const d of (parent?.views ?? []).flatMap((v) => (v.ok ? v.ds : []))) {
          const known = [...desired, ...plan.remove, ...stale];
          if (!known.some((w) => dsStandsFor(domain, d, w))) stale.push({ ds: d });
        }
        if (stale.length > 0) {
          out.log(
            `${registrar}: ${domain}: the ${parent!.zone} servers still serve ${stale.map((r) => `DS ${shortDs(r.ds)}`).join(', ')}, which ${info.name} no longer holds ` +
              '(a key roll whose parent has not dropped the old DS yet): treated as replaced by this run',
          );
        }
        replacedRecords = [...plan.remove, ...stale];
        if (replacedRecords.length > 0) hold = holdReplaced === 'parent-ttl' ? ttlHold(parent!.zone, parent!.views, 'the change') : { ms: holdReplaced, why: 'as asked (--hold-replaced)' };
      }
      const replaced = hold !== undefined;
      if (plan.changed && !dryRun) {
        // Adds first: during a key roll the parent always has a DS for a key the zone serves.
        if (plan.add.length) await dnssec.addDnssecRecords(domain, plan.add);
        if (plan.remove.length) await dnssec.removeDnssecRecords(domain, plan.remove);
      }
      const writtenAt = Date.now();
      const after = plan.changed ? desired : [...plan.keep];
      const json = (held?: number) =>
        out.json({ registrar, domain, changed: plan.changed, before: current.map(dnssecRecordJson), after: after.map((r) => heldJson(info, r)), dryRun, ...(held ? { held } : {}) });
      // With a hold, the JSON waits for it (to say how long it held); on a failure it is printed as before.
      if (opts.json && !(replaced && !dryRun)) json();
      if (!opts.json) {
        const verb = !plan.changed ? 'unchanged' : dryRun ? 'would change' : 'changed';
        const parts = plan.changed
          ? [...plan.add.map((r) => `add DS ${formatDs(r.ds)}`), ...plan.remove.map((r) => `remove DS ${formatDs(r.ds)}`)]
          : plan.keep.map((r) => `DS ${formatDs(r.ds)}`);
        out.stdout(`${registrar}: ${domain}: ${verb}: ${parts.join('; ')}\n`);
      }
      if (dryRun) {
        if (hold) out.log(`${registrar}: ${domain}: dry run: would wait for the parent to drop the replaced DS, then hold ${humanDuration(hold.ms)} (${hold.why})`);
        return;
      }
      if (!replaced) {
        if (!dns || (!check && waitMs === 0)) return;
        await afterChange(registrar, domain, desired, dns, waitMs, intervalMs, out, 'serves exactly the new DS records');
        return;
      }
      try {
        // The old DS gone first (its own message on timeout), then --wait's check of the new set
        // within what is left of --wait, then the hold.
        await waitReplacedGone(registrar, domain, replacedRecords, dns!, waitMs > 0 ? waitMs : DEFAULT_HOLD_WAIT_MS, writtenAt, intervalMs, out);
        if (check || waitMs > 0) {
          const leftMs = waitMs > 0 ? Math.max(1, waitMs - (Date.now() - writtenAt)) : 0;
          await afterChange(registrar, domain, desired, dns!, leftMs, intervalMs, out, 'serves exactly the new DS records', KEEP_OLD_KEY);
        }
        const held = await holdAfterReplaced(registrar, domain, hold!, out);
        if (opts.json) json(held);
      } catch (e) {
        if (opts.json) json();
        throw e;
      }
    });

  common(ds.command('clear').description('remove every DS record at the registrar (DNSSEC off at the parent); idempotent'))
    .option('--dry-run', 'read and report what would be removed; never write')
    .option('--wait <duration>', 'after removing, wait until every parent-zone server serves no DS for the domain; exit 1 on timeout')
    .option('--hold <duration|parent-ttl>', 'then keep running this long (parent-ttl: the DS TTL the parent served before the clear), while resolvers may still hold the old DS; implies waiting for the parent (default 1h unless --wait)')
    .option('--dns-server <ip[:port]>', 'recursive resolver for DNS checks (default: NSBRIDGE_DNS_SERVER, else the system resolvers)')
    .addHelpText(
      'after',
      '\nJSON: {"registrar":..,"domain":..,"changed":true|false,"before":[..],"after":[],"dryRun":false}' +
        '\nKeep the zone signed until this command returns: a validating resolver may have cached the old DS for up to' +
        '\nthe parent\'s DS TTL (1 day for .com), and an unsigned zone under a cached DS fails validation. --hold parent-ttl' +
        '\nwaits for the parent to drop the DS, then holds for that TTL; only then turn signing off.' +
        '\nExit: 0 done (or nothing to do), 1 registrar/network/DNS failure or timeout, 2 bad input (nothing sent).',
    )
    .action(async (opts: DsOptions) => {
      verbose();
      const registrar = parseRegistrar(opts.registrar);
      const domain = parseDomain(opts.domain, (m) => out.log(m));
      requireDnssec(registrar, 'ds clear', domain);
      const hold = parseHold(opts.hold);
      const waitMs = opts.wait !== undefined ? parseWait(opts.wait, '--wait') : hold !== undefined ? DEFAULT_HOLD_WAIT_MS : 0;
      out.deadline?.extend(waitMs);
      const env = withDnsServer(opts.dnsServer);
      const check = parentCheckOn(env);
      const dns = hold === undefined && waitMs === 0 && !check ? undefined : configFor(env);
      const intervalMs = pollIntervalMs(env);
      const dryRun = Boolean(opts.dryRun);
      const dnssec = operationsOf(registrar, domain, await client(registrar, out, env));
      const current = await dnssec.getDnssecRecords(domain);
      // The TTL must be read before the clear: afterwards the parent serves no DS, and no TTL.
      let holdMs = typeof hold === 'number' ? hold : 0;
      let holdWhy = 'as asked (--hold)';
      if (hold === 'parent-ttl') {
        let parent;
        try {
          parent = await readParentDs(domain, dns!);
        } catch (e) {
          // A hold of unknown length cannot be made safe: nothing is removed.
          throw parentTtlReadError(registrar, domain, e, 'removed', '--hold');
        }
        ({ ms: holdMs, why: holdWhy } = ttlHold(parent.zone, parent.views, 'the clear'));
      }
      const plan = planDnssec(current, []);
      if (plan.changed && !dryRun) await dnssec.removeDnssecRecords(domain, plan.remove);
      if (opts.json) out.json({ registrar, domain, changed: plan.changed, before: current.map(dnssecRecordJson), after: [], dryRun });
      else out.stdout(`${registrar}: ${domain}: ${!plan.changed ? 'unchanged: no DS records' : `${dryRun ? 'would remove' : 'removed'}: ${plan.remove.map((r) => `DS ${formatDs(r.ds)}`).join('; ')}`}\n`);
      if (dryRun) {
        if (hold !== undefined) out.log(`${registrar}: ${domain}: dry run: would wait for the parent to drop the DS, then hold ${humanDuration(holdMs)} (${holdWhy})`);
        return;
      }
      if (!dns || (!check && waitMs === 0)) return;
      await afterChange(registrar, domain, [], dns, waitMs, intervalMs, out, 'serves no DS');
      if (hold === undefined) return;
      if (holdMs === 0) {
        out.log(`${registrar}: ${domain}: no hold needed: ${holdWhy}; the zone may be unsigned now`);
        return;
      }
      out.log(
        `${registrar}: ${domain}: holding ${humanDuration(holdMs)} (until ${new Date(Date.now() + holdMs).toISOString()}): ${holdWhy}; ` +
          'validating resolvers may still have the old DS cached that long, and the zone must stay signed until it has expired',
      );
      out.deadline?.extend(holdMs);
      await new Promise((r) => setTimeout(r, holdMs));
      out.log(`${registrar}: ${domain}: hold over: no resolver can hold the old DS any more; the zone may be unsigned now`);
    });

  for (const cmd of ds.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) });
  ds.exitOverride().configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) });
}

/**
 * `ds get`, `ds set`, `ds clear`, `ds step`: the DNSSEC delegation signer (DS) records at the
 * registrar. Flags and output only: the rules (the safe order, the holds, the roll-out over
 * several runs) are core/dnssec-change.ts and core/dnssec-rollout.ts, on the ports of
 * ../dnssec-ports.ts. Every wait is bounded by --max-wait (NSBRIDGE_DNS_WAIT_LIMIT, default 15m)
 * and prints a progress line at least every minute; --json lists the outcome of every wait.
 */
import { Command } from 'commander';
import type { Output } from '../output';
import { parseDomain, parseRegistrar } from '../inputs';
import { client, common, CommonOptions, DNS_SERVER_OPTION, parseWait, withDnsServer } from '../command-kit';
import { configFor } from '../dns-checks';
import { dnssecPorts, waitLimitMs } from '../dnssec-ports';
import { REGISTRARS } from '../../registrar-adapters/catalog';
import type { DnssecOperations, RegistrarClient, RegistrarId, RegistrarInfo } from '../../registrar-adapters/core/types';
import { RegistrarError, RegistrarUnsupportedError, UsageError } from '../../core/errors';
import { readBooleanSetting } from '../../registrar-adapters/core/environment';
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
  recordFromDnskey,
  sameDnssecRecord,
} from '../../core/dnssec';
import { ChangeFailedError, ChangeResult, clearDs, HoldRequest, setDs } from '../../core/dnssec-change';
import { advanceRollout, fromJson, RolloutInProgressError, RolloutPhase, RolloutRecord } from '../../core/dnssec-rollout';
import type { WaitOutcome } from '../../core/bounded-wait';
import { parseDuration } from '../../core/duration';
import { pollIntervalMs } from '../../dns/dnssec';
import { quoteInput } from '../../core/quote';

const ROLLOUT_PHASES: readonly RolloutPhase[] = ['steady', 'introduce', 'await-new', 'hold-new', 'remove-old', 'await-gone', 'drain'];
/** `ds step --deadline` default: a roll-out pending longer than a week needs a person. */
const DEFAULT_DEADLINE = '168h';

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
  maxWait?: string;
  record?: string;
  deadline?: string;
  off?: boolean;
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

function parseHold(value: string | undefined, flag = '--hold'): HoldRequest | undefined {
  if (value === undefined) return undefined;
  if (value.trim().toLowerCase() === 'parent-ttl') return 'parent-ttl';
  return parseWait(value, flag);
}

/** A roll-out record given back from an earlier run (`ds step --record`), checked. */
function parseRecord(registrar: RegistrarId, domain: string, text: string | undefined): RolloutRecord | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const bad = (why: string) => new UsageError(`${registrar}: ds step ${domain}: --record: ${why}; give the "record" of the previous run's JSON as it was printed; nothing was sent`);
  let value: RolloutRecord;
  try {
    value = JSON.parse(text) as RolloutRecord;
  } catch (e) {
    throw bad(`not JSON (${(e as Error).message})`);
  }
  if (!value || typeof value !== 'object' || !ROLLOUT_PHASES.includes(value.phase) || !Array.isArray(value.target) || !Array.isArray(value.retiring)) {
    throw bad('not a roll-out record (phase, target, retiring)');
  }
  try {
    [...value.target, ...value.retiring].forEach(fromJson);
  } catch (e) {
    throw bad((e as Error).message);
  }
  for (const k of ['startedAt', 'notBefore', 'keysSeenAt'] as const) {
    if (value[k] !== undefined && Number.isNaN(Date.parse(value[k]!))) throw bad(`${k} "${value[k]}" is not a time`);
  }
  return value;
}

const waitJson = (w: WaitOutcome) => ({ what: w.what, done: w.done, elapsedMs: w.elapsedMs, limitMs: w.limitMs, checks: w.checks, awaiting: w.awaiting });

/** The JSON of a set or clear after "registrar" and "domain" (documented in their --help). */
const changeJson = (res: ChangeResult, after: unknown[], dryRun: boolean) => ({
  changed: res.plan.changed,
  before: res.before.map(dnssecRecordJson),
  after,
  dryRun,
  ...(res.held ? { held: res.held } : {}),
  waits: res.waits.map(waitJson),
});

/** --dns-server and --max-wait: the flags of every ds command that waits on DNS. */
const dnsWaitOptions = (cmd: Command): Command =>
  cmd
    .option(...DNS_SERVER_OPTION)
    .option('--max-wait <duration>', 'the longest any wait or hold of this run may take (default: NSBRIDGE_DNS_WAIT_LIMIT, else 15m); a longer hold is refused before anything is written');

export function registerDsCommands(program: Command, out: Output): void {
  /** The domain at a registrar that takes DNSSEC data, from the common flags: exit 2 before anything is sent. */
  const dnssecTarget = (opts: DsOptions, operation: string) => {
    out.verbose = Boolean(program.opts().verbose);
    const registrar = parseRegistrar(opts.registrar);
    const domain = parseDomain(opts.domain, (m) => out.log(m));
    return { registrar, domain, info: requireDnssec(registrar, operation, domain) };
  };
  /** The environment with --dns-server, and the longest any wait or hold of this run may take (--max-wait). */
  const dnsLimits = (opts: DsOptions) => {
    const env = withDnsServer(opts.dnsServer);
    return { env, limitMs: waitLimitMs(env, opts.maxWait === undefined ? undefined : parseWait(opts.maxWait, '--max-wait')) };
  };
  /** The registrar's DNSSEC operations and the DNS checks, as the ports the change rules run on. */
  const portsFor = async (registrar: RegistrarId, domain: string, env: NodeJS.ProcessEnv, dns: ReturnType<typeof configFor> | undefined) => {
    const c = await client(registrar, out, env);
    return dnssecPorts(registrar, domain, c, operationsOf(registrar, domain, c), dns, out);
  };
  /** A set or clear: with --json, a failure after the write still prints what changed. */
  const runChange = async (opts: DsOptions, json: (res: ChangeResult) => void, change: () => Promise<ChangeResult>) => {
    try {
      return await change();
    } catch (e) {
      if (opts.json && e instanceof ChangeFailedError && e.result) json(e.result);
      throw e;
    }
  };
  const ds = program
    .command('ds')
    .description('DNSSEC: the DS (delegation signer) records the registrar holds for the domain (get, set, clear)');

  common(ds.command('get').description('print the DS records (and DNSKEYs, where the registrar keeps them) the registrar holds for the domain'))
    .addHelpText('after', '\nText: one line per record, "DS <keyTag> <alg> <digestType> <digest>", then "DNSKEY <flags> <protocol> <alg> <key>" when known.' + '\nJSON: {"registrar":..,"domain":..,"records":[{"ds":"..","dnskey":".."?}]}')
    .action(async (opts: DsOptions) => {
      const { registrar, domain } = dnssecTarget(opts, 'ds get');
      const records = await operationsOf(registrar, domain, await client(registrar, out)).getDnssecRecords(domain);
      if (opts.json) out.json({ registrar, domain, records: records.map(dnssecRecordJson) });
      else if (records.length === 0) out.log(`${registrar}: ${domain}: no DS records (DNSSEC is off at the registrar)`);
      else out.stdout(`${records.flatMap(recordLines).join('\n')}\n`);
    });

  dnsWaitOptions(common(
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
      'when this run removes DS records (a key roll): wait until no parent-zone server serves them (up to --wait, default --max-wait), then keep running this long (parent-ttl: the DS TTL the parent served before the change), so the old key can keep signing while resolvers may still hold the old DS',
    ))
    .addHelpText(
      'after',
      '\nJSON: {"registrar":..,"domain":..,"changed":true|false,"before":[..],"after":[..],"dryRun":false,"held":<ms>?,"waits":[..]}, records as in ds get;' +
        '\n"held" only when --hold-replaced held; "waits": every wait and hold, {"what","done","elapsedMs","limitMs","checks","awaiting"}.' +
        '\nSafe order: sign the zone first; --wait-signed refuses to publish a DS that no served key matches.' +
        '\nA key roll (--ds of the new key only) adds the new DS before it removes the old one. Delete the old key only' +
        '\nwhen resolvers can no longer hold the old DS: --hold-replaced parent-ttl returns only then.' +
        '\nRegistrars that take the DNSKEY (gandi, route53domains) need --dnskey; the others take --ds or --dnskey.' +
        '\nWithout --wait the parent zone\'s DS is reported once (NSBRIDGE_PARENT_CHECK=0 skips it).' +
        '\nExit: 0 done (or nothing to do), 1 registrar/network/DNS failure or timeout, 2 bad input (nothing sent).',
    )
    .action(async (opts: DsOptions) => {
      const { registrar, domain, info } = dnssecTarget(opts, 'ds set');
      const { records: desired, computed } = desiredRecords(registrar, info, domain, opts.ds ?? [], opts.dnskey ?? []);
      const waitMs = parseWait(opts.wait, '--wait');
      const waitSignedMs = opts.waitSigned === undefined ? undefined : parseWait(opts.waitSigned, '--wait-signed');
      const holdReplaced = parseHold(opts.holdReplaced, '--hold-replaced');
      const { env, limitMs } = dnsLimits(opts);
      // NSBRIDGE_DEADLINE gets what this run may wait on top: each wait and the hold are bounded.
      out.deadline?.extend(Math.min(waitMs, limitMs) + Math.min(waitSignedMs ?? 0, limitMs) + (holdReplaced !== undefined ? 2 * limitMs : 0));
      const check = parentCheckOn(env);
      // DNS settings resolved now, so a bad one is a usage error before anything is sent.
      const dns = waitSignedMs === undefined && waitMs === 0 && !check && holdReplaced === undefined ? undefined : configFor(env);
      const intervalMs = pollIntervalMs(env);
      const dryRun = Boolean(opts.dryRun);
      const ports = await portsFor(registrar, domain, env, dns);
      for (const r of computed) {
        const note = `${registrar}: ${domain}: DS ${formatDs(r.ds)} computed (SHA-256) from --dnskey ${formatDnskey(r.dnskey!)}`;
        if (opts.json) out.log(note);
        else out.stdout(`${note}\n`);
      }
      const json = (res: ChangeResult) => out.json({ registrar, domain, ...changeJson(res, res.after.map((r) => heldJson(info, r)), dryRun) });
      const res = await runChange(opts, json, () =>
        setDs(ports, { domain, registrar, registrarName: info.name, desired, waitSignedMs, waitMs, holdReplaced, dryRun, parentCheck: check, limitMs, intervalMs }),
      );
      if (opts.json) json(res);
      else {
        const { plan } = res;
        const verb = !plan.changed ? 'unchanged' : dryRun ? 'would change' : 'changed';
        const parts = plan.changed
          ? [...plan.add.map((r) => `add DS ${formatDs(r.ds)}`), ...plan.remove.map((r) => `remove DS ${formatDs(r.ds)}`)]
          : plan.keep.map((r) => `DS ${formatDs(r.ds)}`);
        out.stdout(`${registrar}: ${domain}: ${verb}: ${parts.join('; ')}\n`);
      }
    });

  dnsWaitOptions(common(ds.command('clear').description('remove every DS record at the registrar (DNSSEC off at the parent); idempotent'))
    .option('--dry-run', 'read and report what would be removed; never write')
    .option('--wait <duration>', 'after removing, wait until every parent-zone server serves no DS for the domain; exit 1 on timeout')
    .option('--hold <duration|parent-ttl>', 'then keep running this long (parent-ttl: the DS TTL the parent served before the clear), while resolvers may still hold the old DS; implies waiting for the parent (up to --max-wait unless --wait)'))
    .addHelpText(
      'after',
      '\nJSON: {"registrar":..,"domain":..,"changed":true|false,"before":[..],"after":[],"dryRun":false,"held":<ms>?,"waits":[..]}' +
        '\nKeep the zone signed until this command returns: a validating resolver may have cached the old DS for up to' +
        '\nthe parent\'s DS TTL (1 day for .com), and an unsigned zone under a cached DS fails validation. --hold parent-ttl' +
        '\nwaits for the parent to drop the DS, then holds for that TTL; only then turn signing off. A hold longer than' +
        '\n--max-wait is refused before anything is removed: use ds step --off, which spreads it over several runs.' +
        '\nExit: 0 done (or nothing to do), 1 registrar/network/DNS failure or timeout, 2 bad input (nothing sent).',
    )
    .action(async (opts: DsOptions) => {
      const { registrar, domain, info } = dnssecTarget(opts, 'ds clear');
      const hold = parseHold(opts.hold);
      const { env, limitMs } = dnsLimits(opts);
      // A hold waits for the parent first: up to the limit unless --wait says otherwise.
      const waitMs = opts.wait !== undefined ? parseWait(opts.wait, '--wait') : hold !== undefined ? limitMs : 0;
      out.deadline?.extend(Math.min(waitMs, limitMs) + (hold !== undefined ? limitMs : 0));
      const check = parentCheckOn(env);
      const dns = hold === undefined && waitMs === 0 && !check ? undefined : configFor(env);
      const intervalMs = pollIntervalMs(env);
      const dryRun = Boolean(opts.dryRun);
      const ports = await portsFor(registrar, domain, env, dns);
      const json = (res: ChangeResult) => out.json({ registrar, domain, ...changeJson(res, [], dryRun) });
      const res = await runChange(opts, json, () => clearDs(ports, { domain, registrar, registrarName: info.name, hold, waitMs, dryRun, parentCheck: check, limitMs, intervalMs }));
      if (opts.json) json(res);
      else {
        const { plan } = res;
        out.stdout(`${registrar}: ${domain}: ${!plan.changed ? 'unchanged: no DS records' : `${dryRun ? 'would remove' : 'removed'}: ${plan.remove.map((r) => `DS ${formatDs(r.ds)}`).join('; ')}`}\n`);
      }
    });

  dnsWaitOptions(common(
    ds
      .command('step')
      .description('advance a DNSSEC roll-out (enable, double-DS key roll, disable) as far as is safe now, waiting at most --max-wait; the record it prints is given back to the next run'),
  )
    .option('--ds <record>', 'a DS record the roll-out leads to (repeatable)', collect)
    .option('--dnskey <record>', 'a DNSKEY the roll-out leads to (repeatable): the new key of a roll, the key of an enable', collect)
    .option('--off', 'the roll-out leads to no DS at all (DNSSEC off); instead of --ds/--dnskey')
    .option('--record <json>', 'the "record" the previous run printed (in Terraform state when run by the constructs); none: the registrar\'s DS records are the starting point')
    .option('--deadline <duration>', `a roll-out still pending this long after it started is reported as failed, exit 1 (default ${DEFAULT_DEADLINE})`))
    .addHelpText(
      'after',
      '\nOne run does what is safe now and returns (exit 0) with what is pending and its earliest time:' +
        '\n  enable:  wait for every name server to serve the key, publish its DS, confirm at the parent' +
        '\n  roll:    the new DS next to the old; once every parent server serves it and the DS TTL has passed, a later' +
        '\n           run removes the old DS; once no parent server serves it, the old key is "released" (may be deleted)' +
        '\n  off:     the DS goes first; once the parent dropped it and its TTL has passed, the key is "released"' +
        '\nJSON: {"registrar","domain","done","record":{..},"pending":{"step","notBefore"?,"awaiting"?}?,"failed"?,"released":[..],' +
        '\n       "added":[..],"removed":[..],"drift":[..],"waits":[..]}' +
        '\nExit: 0 done or pending, 1 failure or the deadline passed, 2 bad input or another roll-out under way (nothing sent).',
    )
    .action(async (opts: DsOptions) => {
      const { registrar, domain, info } = dnssecTarget(opts, 'ds step');
      const given = (opts.ds?.length ?? 0) + (opts.dnskey?.length ?? 0) > 0;
      if (opts.off && given) throw new UsageError(`${registrar}: ds step ${domain}: --off (no DS) and --ds/--dnskey contradict each other; give one; nothing was sent`);
      if (!opts.off && !given) throw new UsageError(`${registrar}: ds step ${domain}: say where the roll-out leads: --dnskey "<flags> <protocol> <alg> <base64 key>" (or --ds), or --off for no DS; nothing was sent`);
      const goal = opts.off ? [] : desiredRecords(registrar, info, domain, opts.ds ?? [], opts.dnskey ?? []).records;
      const prior = parseRecord(registrar, domain, opts.record);
      let deadlineMs: number;
      try {
        deadlineMs = parseDuration(opts.deadline ?? DEFAULT_DEADLINE);
      } catch (e) {
        throw new UsageError(`--deadline: ${(e as Error).message}`);
      }
      const { env, limitMs } = dnsLimits(opts);
      // One budget for all the run's waits.
      out.deadline?.extend(limitMs);
      const dns = configFor(env);
      const intervalMs = pollIntervalMs(env);
      const ports = await portsFor(registrar, domain, env, dns);
      let res;
      try {
        res = await advanceRollout(goal, prior, ports, { domain, registrar, limitMs, intervalMs, deadlineMs });
      } catch (e) {
        if (e instanceof RolloutInProgressError) throw new UsageError(`${registrar}: ds step ${e.message}; nothing was sent`);
        throw e;
      }
      if (res.drift.length) out.log(`${registrar}: ${domain}: drift: ${info.name} no longer held ${res.drift.map((r) => `DS ${r.ds}`).join(', ')} (removed outside nsbridge): put back`);
      if (res.released.length) out.log(`${registrar}: ${domain}: released: no parent server serves ${res.released.map((r) => `DS ${r.ds}`).join(', ')} and no resolver can hold it any more: its key may be deleted now`);
      const summary = res.done ? 'done: the registrar holds the target and nothing is pending' : `pending: ${res.pending!.step}`;
      if (opts.json) {
        out.json({ registrar, domain, done: res.done, record: res.record, ...(res.pending ? { pending: res.pending } : {}), ...(res.failed ? { failed: res.failed } : {}), released: res.released, added: res.added, removed: res.removed, drift: res.drift, waits: res.waits.map(waitJson) });
      } else {
        out.stdout(`${registrar}: ${domain}: ${summary}\n`);
      }
      if (res.failed) throw new RegistrarError({ registrar, operation: 'DNSSEC roll-out', domain, cause: res.failed.replace(`${registrar}: ${domain}: `, '') });
    });

  for (const cmd of ds.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) });
  ds.exitOverride().configureOutput({ writeOut: (s) => out.stdout(s), writeErr: (s) => out.stderr(s) });
}

/**
 * CentralNic Reseller (CNR) API emulator (https://kb.centralnicreseller.com/api/api-commands/api-command-reference), faithful to:
 *  - one endpoint, POST /api/call.cgi, application/x-www-form-urlencoded with s_login, s_pw and
 *    s_command (newline-separated KEY=value lines, keys case-insensitive);
 *  - every answer HTTP 200 plain text `[RESPONSE] code = .. description = .. property[..][n] = .. EOF`,
 *    errors included (kb.centralnicreseller.com/api/return-codes);
 *  - 530 Authentication failed for a wrong login or password;
 *  - StatusDomain -> property[DOMAIN], [STATUS], [NAMESERVER][n], [DNSSECDSDATA][n] (DS text),
 *    [DNSSEC][n] (DNSKEY text), [REGISTRATIONEXPIRATIONDATE];
 *  - ModifyDomain NAMESERVER0..12 replaces the set; DNSSECDSDATA#/DNSSEC# replace the DNSSEC set,
 *    DNSSECDELALL=1 removes it; the domain's records are kept as CNR's own text lines.
 * UNCONFIRMED, chosen strictly (kb gives the codes, not which one each case gets):
 *  - a domain outside the account is 531 Authorization failed (not 545), for reads and writes;
 *  - a name server the registry does not know (`.invalid`) is 545 Entity reference not found;
 *  - fewer than 2 or more than 13 name servers, indexes with gaps, DNSSECDELALL together with
 *    records, malformed DS/DNSKEY text or a record given twice are 541/505 and change nothing;
 *  - indexed DNSSEC lists REPLACE the set (the other reading, appending, would let a client that
 *    sends only new records pass; replacing punishes a client that does not send the full set);
 *  - no published request limit: none by default; the throttle answer is code 422 "Abuse detected"
 *    in HTTP 200 with no hint.
 */
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import { checkDnskey, DnssecRecord, dsFromDnskey, formatDnskey, formatDs, parseDnskey, parseDs } from '../../../core/dnssec';
import { API_PATH, decodeCommand, renderResponse } from '../../../registrar-adapters/cnr/wire-types';

export interface CnrEmulatorOptions {
  login?: string;
  password?: string;
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

interface CnrDnssec {
  /** "<keytag> <alg> <digesttype> <digest>" lines, as CNR lists them. */
  dsdata: string[];
  /** "<flags> <protocol> <alg> <pubkey>" lines. */
  dnskeys: string[];
}

const text = (code: number, description: string, properties: Record<string, readonly string[]> = {}, write = false): RouteResult => ({
  status: 200,
  headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  body: renderResponse(code, description, properties),
  write,
});

/** Indexed parameters PREFIX0..PREFIXn; undefined when none; 'gap' when not contiguous from 0. */
function indexed(cmd: Record<string, string>, prefix: string): string[] | undefined | 'gap' {
  const found = Object.keys(cmd)
    .map((k) => new RegExp(`^${prefix}(\\d+)$`).exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  if (found.length === 0) return undefined;
  if (found.some((n, i) => n !== i)) return 'gap';
  return found.map((n) => cmd[`${prefix}${n}`]!);
}

export class CnrEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly login: string;
  readonly password: string;
  /** Every decoded command, in order (tests check what was sent). */
  readonly commands: Record<string, string>[] = [];
  /** Raw form bodies, to check that nothing secret goes anywhere but s_pw. */
  readonly bodies: string[] = [];
  /** The next answers carry these codes instead (test hook for 4xx temporary errors). */
  private readonly forced: { code: number; description: string }[] = [];
  onDnssecChange?: (domain: string, records: DnssecRecord[]) => void;
  /** Answer DNSSEC changes with code 200 but keep the old set (a registry that dropped it). */
  ignoreDnssecWrites = false;

  constructor(opts: CnrEmulatorOptions = {}) {
    super();
    this.login = opts.login ?? 'nsbridge-reseller';
    this.password = opts.password ?? 'cnr-pw-SENTINEL-4e1f';
    this.http = new HttpEmulator(
      {
        name: 'cnr',
        handle: (req) => this.handle(req),
        rateLimited: () => text(422, 'Abuse detected; account temporarily locked'),
        serverError: (status) => ({ status, headers: { 'Content-Type': 'text/html' }, body: `<html><head><title>${status} Server Error</title></head><body>error</body></html>` }),
        malformed: () => ({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: '[RESPONSE]\ncode = 200\ndescription = Command completed successfully\nproperty[NAMESERVER][0] = ns1.old' }),
        accountOf: (req) => new URLSearchParams(req.bodyText).get('s_login') ?? undefined,
      },
      { rateLimit: opts.rateLimit ?? undefined, port: opts.port },
    );
  }

  env(): Record<string, string> {
    return { CNR_USERNAME: this.login, CNR_PASSWORD: this.password, NSBRIDGE_CNR_ENDPOINT: this.url };
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), CNR_PASSWORD: 'wrong-secret-SENTINEL-0000' };
  }

  secrets(): string[] {
    return [this.password];
  }

  addDomain(domain: string, nameServers: string[]): void {
    this.store.add(domain, nameServers, { dnssec: { dsdata: [], dnskeys: [] } satisfies CnrDnssec });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** Hold these records as DS lines (the form CNR lists DS data in). */
  setDnssecRecords(domain: string, records: readonly DnssecRecord[]): void {
    const d = this.dnssecOf(domain);
    if (!d) throw new Error(`cnr emulator: ${domain} is not in the account`);
    d.dsdata = records.map((r) => formatDs(r.ds));
    d.dnskeys = [];
  }

  /** Hold these keys as DNSKEY lines (as a key entered in the control panel is held). */
  setDnskeys(domain: string, keys: string[]): void {
    this.dnssecOf(domain)!.dnskeys = [...keys];
  }

  dnssecRecordsOf(domain: string): DnssecRecord[] | undefined {
    const d = this.dnssecOf(domain);
    if (!d) return undefined;
    return [
      ...d.dsdata.map((t) => ({ ds: parseDs(t) })),
      ...d.dnskeys.map((t) => {
        const dnskey = parseDnskey(t);
        return { ds: dsFromDnskey(domain, dnskey), dnskey };
      }),
    ];
  }

  /** The raw lines CNR holds (tests check the wire form). */
  rawDnssecOf(domain: string): CnrDnssec | undefined {
    const d = this.dnssecOf(domain);
    return d ? { dsdata: [...d.dsdata], dnskeys: [...d.dnskeys] } : undefined;
  }

  /** The next `times` answers carry `code` (e.g. 421) instead of running the command. */
  forceCode(code: number, description: string, times = 1): void {
    for (let i = 0; i < times; i += 1) this.forced.push({ code, description });
  }

  clearForcedCodes(): void {
    this.forced.length = 0;
  }

  private dnssecOf(domain: string): CnrDnssec | undefined {
    return this.store.get(domain)?.dnssec as CnrDnssec | undefined;
  }

  private handle(req: EmulatedRequest): RouteResult {
    if (req.path !== API_PATH) return { status: 404, headers: { 'Content-Type': 'text/html' }, body: '<html><head><title>404 Not Found</title></head><body>Not Found</body></html>' };
    if (req.method !== 'POST') return text(505, 'Invalid command syntax; use POST');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return text(505, 'Invalid command syntax');
    this.bodies.push(req.bodyText);
    const form = new URLSearchParams(req.bodyText);
    if (form.get('s_login') !== this.login || form.get('s_pw') !== this.password) return text(530, 'Authentication failed');
    const cmd = decodeCommand(form.get('s_command') ?? '');
    this.commands.push(cmd);
    const forced = this.forced.shift();
    if (forced) return text(forced.code, forced.description);
    const command = (cmd.COMMAND ?? '').toLowerCase();
    if (!command) return text(504, 'Missing required attribute; COMMAND');
    if (command === 'statusdomain') return this.statusDomain(cmd);
    if (command === 'modifydomain') return this.modifyDomain(cmd);
    return text(500, 'Invalid command name');
  }

  private domainOf(cmd: Record<string, string>): { name: string; error?: RouteResult } {
    const name = (cmd.DOMAIN ?? '').toLowerCase();
    if (!name) return { name, error: text(504, 'Missing required attribute; DOMAIN') };
    if (!this.store.get(name)) return { name, error: text(531, 'Authorization failed') };
    return { name };
  }

  private statusDomain(cmd: Record<string, string>): RouteResult {
    const { name, error } = this.domainOf(cmd);
    if (error) return error;
    const entry = this.store.get(name)!;
    const dnssec = entry.dnssec as CnrDnssec;
    return text(200, 'Command completed successfully', {
      DOMAIN: [name],
      STATUS: ['ACTIVE'],
      ...(entry.nameServers.length ? { NAMESERVER: entry.nameServers } : {}),
      ...(dnssec.dsdata.length ? { DNSSECDSDATA: dnssec.dsdata } : {}),
      ...(dnssec.dnskeys.length ? { DNSSEC: dnssec.dnskeys } : {}),
      REGISTRATIONEXPIRATIONDATE: ['2027-11-28 00:00:00'],
      TRANSFERLOCK: ['1'],
    });
  }

  private modifyDomain(cmd: Record<string, string>): RouteResult {
    const { name, error } = this.domainOf(cmd);
    if (error) return error;
    const entry = this.store.get(name)!;
    const dnssec = entry.dnssec as CnrDnssec;

    const ns = indexed(cmd, 'NAMESERVER');
    const ds = indexed(cmd, 'DNSSECDSDATA');
    const keys = indexed(cmd, 'DNSSEC');
    if (ns === 'gap' || ds === 'gap' || keys === 'gap') return text(505, 'Invalid command syntax; indexed parameters must start at 0 without gaps');
    const delAll = cmd.DNSSECDELALL === '1';
    if (delAll && (ds || keys)) return text(505, 'Invalid command syntax; DNSSECDELALL together with DNSSEC data');

    if (ns) {
      if (ns.length < 2 || ns.length > 13) return text(541, `Invalid attribute value; ${ns.length} name servers (2 to 13)`);
      const bad = ns.filter((n) => !isRegisteredHost(n));
      if (bad.length) return text(545, `Entity reference not found; nameserver ${bad[0]}`);
    }
    let newDs: string[] | undefined;
    let newKeys: string[] | undefined;
    if (ds || keys || delAll) {
      try {
        newDs = (ds ?? []).map((t) => formatDs(parseDs(t)));
        newKeys = (keys ?? []).map((t) => formatDnskey(checkDnskey(parseDnskey(t))));
      } catch (e) {
        return text(541, `Invalid attribute value; ${(e as Error).message}`);
      }
      const all = [...newDs, ...newKeys];
      if (new Set(all).size !== all.length) return text(541, 'Invalid attribute value; DNSSEC record given twice');
    }
    if (!ns && newDs === undefined) return text(504, 'Missing required attribute; nothing to modify');

    if (ns) {
      entry.nameServers = [...ns];
      this.onDelegationChange?.(name, [...ns]);
    }
    if (newDs !== undefined && !this.ignoreDnssecWrites) {
      dnssec.dsdata = newDs;
      dnssec.dnskeys = newKeys ?? [];
      this.onDnssecChange?.(name, this.dnssecRecordsOf(name)!);
    }
    return text(200, 'Command completed successfully', {}, true);
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: CnrEmulatorOptions = {}): Promise<CnrEmulator> {
  return new CnrEmulator(opts).start();
}

export type { Reply };

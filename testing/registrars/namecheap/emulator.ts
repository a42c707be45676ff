/**
 * Namecheap XML API emulator (https://www.namecheap.com/support/api/methods/), faithful to:
 *  - one endpoint, `/xml.response`, the operation chosen by `Command`; GET with a query string and
 *    POST with an application/x-www-form-urlencoded body (query parameters of a POST count too, as
 *    lexicon sends them); parameter names matched case-insensitively (observed, not documented);
 *  - global parameters ApiUser, ApiKey, UserName, ClientIp, Command on every request; a wrong
 *    ApiUser/ApiKey pair, or API access switched off, is 1011102 "API Key is invalid or API access
 *    has not been enabled"; a ClientIp not on the whitelist (or not IPv4) is 1011150 "Invalid
 *    request IP: x" with an empty RequestedCommand, as recorded;
 *  - every error is HTTP 200 with Status="ERROR" and <Errors><Error Number="...">text</Error>;
 *    RequestedCommand echoed lower-cased; CommandResponse still present on command errors, with
 *    empty defaults (ID="0", Updated="false");
 *  - namecheap.domains.getInfo (DomainName) -> DomainGetInfoResult/DnsDetails/Nameserver, a domain
 *    outside the account -> 2030166 "Domain is invalid" (recorded sandbox answer);
 *  - namecheap.domains.dns.getList (SLD, TLD) -> DomainDNSGetListResult;
 *  - namecheap.domains.dns.setCustom (SLD, TLD, Nameservers = ONE comma-separated string, max 1200)
 *    -> DomainDNSSetCustomResult Updated="true"; 2019166 not found, 2016166 another account's
 *    domain, 2030166 no edit permission; name servers the registry does not know (`.invalid`) ->
 *    3031510 "Error From Enom when Errorcount <> 0" with the registry's text;
 *  - 20 requests per minute per ApiUser (Namecheap support's figure), answered with HTTP 405.
 *
 * UNCONFIRMED, chosen strictly:
 *  - the 405 body: an IIS-style HTML page that says nothing about throttling, no Retry-After, so a
 *    client must key on the status alone and supply its own wait;
 *  - 5xx answers are IIS/HTTP.sys HTML pages, not XML envelopes;
 *  - case-sensitive ApiUser, ApiKey and UserName values; the Command value case-insensitive (clients
 *    send both setCustom and SetDefault spellings);
 *  - which check comes first: missing parameters, then the key, then the IP, then UserName;
 *  - numbers of errors no source gives: missing DomainName/SLD/TLD 2010166 (seen in a third-party
 *    fixture), missing Nameservers 2010324, Nameservers over 1200 characters 2011324, an unknown
 *    Command 1011104, a UserName the API user may not act for 1016103 (documented code, guessed
 *    trigger); fewer than 2 name servers is refused by the registry (3031510), since only the
 *    official SDK's client-side check is documented; no maximum count beyond the 1200 characters;
 *  - SLD must be a single label (a client that splits example.co.uk as example.co + uk finds no
 *    domain); the documented TLD max length (10) is not enforced, since Namecheap sells longer TLDs.
 */
import { isIPv4 } from 'node:net';
import { EmulatedRequest, HttpEmulator, Reply, RouteResult } from '../emulator-kit';
import { DomainStore, EmulatedDomain, isRegisteredHost } from '../registrar-state';
import { RegistrarEmulator } from '../registrar-emulator';
import { COMMANDS, ERR, MAX_NAMESERVERS_CHARS } from '../../../registrar-adapters/namecheap/wire-types';

export interface NamecheapEmulatorOptions {
  apiUser?: string;
  apiKey?: string;
  /** The account commands act on; defaults to the API user. */
  userName?: string;
  /** Whitelisted IPv4 addresses (default: the one env() passes as ClientIp). */
  whitelist?: string[];
  /** Requests per window per ApiUser (default 20 per minute); null = no limit. */
  rateLimit?: { requests: number; perMs: number } | null;
  port?: number;
}

/** One request as the emulator understood it (the key masked), for tests to inspect. */
export interface NamecheapCall {
  readonly method: string;
  readonly contentType: string;
  /** Host header, i.e. which API the client aimed at. */
  readonly host: string;
  /** Parameter names exactly as sent (query first, then form body). */
  readonly names: string[];
  /** Values by lower-cased name; ApiKey replaced by `***`. */
  readonly params: Record<string, string>;
  /** Where the parameters came from. */
  readonly source: 'query' | 'form' | 'query+form' | 'none';
}

export interface NamecheapDomainFlags {
  /** Namecheap's own DNS in use (default: every name server is *.registrar-servers.com). */
  usingOurDns?: boolean;
  /** Account that owns the domain (default: the emulator's UserName). */
  owner?: string;
  /** The user may edit the domain (default true): false -> setCustom 2030166. */
  editable?: boolean;
}

/** A numbered error (or warning) to answer instead of handling, for the next `times` matching commands. */
export interface ScriptedMessage {
  readonly number: string;
  readonly text: string;
  /** Only this Command (case-insensitive); default: any. */
  readonly command?: string;
  readonly times?: number;
}

const XMLNS = 'http://api.namecheap.com/xml.response';
const KNOWN_COMMANDS = new Map(Object.values(COMMANDS).map((c) => [c.toLowerCase(), c]));
const NAMECHEAP_DNS = /\.registrar-servers\.com\.?$/i;

function esc(value: string | number | boolean): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `<Name a="1">children</Name>`, or self-closing without children. */
function el(name: string, attrs: Record<string, string | number | boolean> = {}, children?: string): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${esc(v)}"`)
    .join('');
  return children === undefined ? `<${name}${a} />` : `<${name}${a}>${children}</${name}>`;
}

function htmlPage(status: number, title: string, text: string): Reply {
  return {
    status,
    headers: { 'Content-Type': 'text/html', Server: 'Microsoft-IIS/10.0', 'X-Powered-By': 'ASP.NET' },
    body:
      '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\r\n' +
      `<html xmlns="http://www.w3.org/1999/xhtml"><head><title>${title}</title></head>` +
      `<body><div id="header"><h1>Server Error</h1></div><div id="content"><h2>${title}</h2><h3>${text}</h3></div></body></html>`,
  };
}

interface Params {
  readonly values: Map<string, string>;
  readonly names: string[];
  readonly source: NamecheapCall['source'];
}

interface Outcome {
  readonly errors?: { number: string; text: string }[];
  /** Canonical Command name for CommandResponse Type (absent: no CommandResponse). */
  readonly type?: string;
  readonly result?: string;
  /** Echo in RequestedCommand (lower-cased); '' for failures before the command is read. */
  readonly requested: string;
  readonly write?: boolean;
}

export class NamecheapEmulator extends RegistrarEmulator {
  readonly store = new DomainStore();
  readonly http: HttpEmulator;
  readonly apiUser: string;
  readonly apiKey: string;
  readonly userName: string;
  /** The IPv4 addresses allowed to call (Profile > Tools > API Access > Whitelisted IPs). */
  readonly whitelist: Set<string>;
  /** The address env() passes as NAMECHEAP_CLIENT_IP. */
  readonly clientIp = '203.0.113.10';
  /** Profile > Tools > Namecheap API Access switched on (and the account eligible). */
  apiAccessEnabled = true;
  /** Every request the emulator handled (faults excluded), in order. */
  readonly calls: NamecheapCall[] = [];

  private readonly scriptedErrors: { message: ScriptedMessage; left: number }[] = [];
  private readonly scriptedWarnings: { message: ScriptedMessage; left: number }[] = [];
  private readonly rawReplies: { reply: Reply; left: number }[] = [];
  private readonly parsed = new WeakMap<EmulatedRequest, Params>();
  private nextId = 589_667;

  constructor(opts: NamecheapEmulatorOptions = {}) {
    super();
    this.apiUser = opts.apiUser ?? 'nsbridge-test';
    this.apiKey = opts.apiKey ?? 'nc-key-SENTINEL-9f3b2a71c4';
    this.userName = opts.userName ?? this.apiUser;
    this.whitelist = new Set(opts.whitelist ?? [this.clientIp]);
    this.http = new HttpEmulator(
      {
        name: 'namecheap',
        handle: (req) => this.handle(req),
        // Throttling is HTTP 405 (dnscontrol, the official SDK); its body is UNCONFIRMED: strictly,
        // a page that says nothing and carries no retry hint (retryAfterSec is deliberately unused).
        rateLimited: () => htmlPage(405, '405 - HTTP verb used to access this page is not allowed.', 'The page you are looking for cannot be displayed because an invalid method (HTTP verb) was used to attempt access.'),
        serverError: (status) =>
          status === 503
            ? htmlPage(503, 'Service Unavailable', 'HTTP Error 503. The service is unavailable.')
            : htmlPage(status, `${status} - Internal server error.`, 'There is a problem with the resource you are looking for, and it cannot be displayed.'),
        // A 200 with an envelope cut short: it still says Status="OK" before it breaks off.
        malformed: () => ({
          status: 200,
          headers: { 'Content-Type': 'text/xml; charset=utf-8' },
          body:
            '<?xml version="1.0" encoding="utf-8"?>\r\n' +
            `<ApiResponse Status="OK" xmlns="${XMLNS}">\r\n  <Errors />\r\n  <Warnings />\r\n` +
            '  <RequestedCommand>namecheap.domains.getinfo</RequestedCommand>\r\n' +
            '  <CommandResponse Type="namecheap.domains.getInfo">\r\n    <DomainGetInfoResult Status="Ok" ID="58',
        }),
        // Every Namecheap error is a 200 envelope; an error number nsbridge has no mapping for.
        errorEnvelope: () => this.reply({ errors: [{ number: '5050900', text: 'Unhandled exceptions' }], requested: 'namecheap.domains.getinfo' }),
        // Status="OK" answering another command (getList) where getInfo's result was expected.
        wrongShape: () =>
          this.reply({
            requested: 'namecheap.domains.getList',
            type: 'namecheap.domains.getList',
            result: el('DomainGetListResult', {}, el('Domain', { ID: 1, Name: 'other.com', IsOurDNS: 'false' })),
          }),
        accountOf: (req) => this.params(req).values.get('apiuser'),
      },
      { rateLimit: opts.rateLimit === null ? undefined : (opts.rateLimit ?? { requests: 20, perMs: 60_000 }), port: opts.port },
    );
  }

  /** The emulator's base URL (without /xml.response). */
  /** The API URL, as NSBRIDGE_NAMECHEAP_ENDPOINT takes it. */
  get endpoint(): string {
    return `${this.http.url}/xml.response`;
  }

  env(): Record<string, string> {
    return {
      NAMECHEAP_API_USER: this.apiUser,
      NAMECHEAP_API_KEY: this.apiKey,
      NAMECHEAP_CLIENT_IP: this.clientIp,
      NSBRIDGE_NAMECHEAP_ENDPOINT: this.endpoint,
    };
  }

  secrets(): string[] {
    return [this.apiKey];
  }

  badCredentialsEnv(): Record<string, string> {
    return { ...this.env(), NAMECHEAP_API_KEY: 'wrong-secret-SENTINEL-0000' };
  }

  addDomain(domain: string, nameServers: string[], flags: NamecheapDomainFlags = {}): void {
    this.store.add(domain, nameServers, {
      usingOurDns: flags.usingOurDns ?? (nameServers.length > 0 && nameServers.every((n) => NAMECHEAP_DNS.test(n))),
      owner: flags.owner ?? this.userName,
      editable: flags.editable ?? true,
      id: this.nextId++,
    });
  }

  nameServersOf(domain: string): string[] | undefined {
    return this.store.nameServersOf(domain);
  }

  /** Answer the next matching command(s) with this error (after the credential checks pass). */
  failNext(message: ScriptedMessage): void {
    this.scriptedErrors.push({ message, left: message.times ?? 1 });
  }

  /** Add this warning to the next matching successful answer(s). */
  warnNext(message: ScriptedMessage): void {
    this.scriptedWarnings.push({ message, left: message.times ?? 1 });
  }

  /**
   * Answer the next request(s) with exactly this reply, after logging them: odd shapes a client must
   * survive (Updated="false", an HTML page in a 200, an ERROR without an <Error>).
   */
  replyNext(reply: Reply, times = 1): void {
    this.rawReplies.push({ reply, left: times });
  }

  /** Forget scripted errors, warnings and replies. */
  clearScripts(): void {
    this.scriptedErrors.length = 0;
    this.scriptedWarnings.length = 0;
    this.rawReplies.length = 0;
  }

  // --- request handling -------------------------------------------------------------------------

  private params(req: EmulatedRequest): Params {
    const cached = this.parsed.get(req);
    if (cached) return cached;
    const values = new Map<string, string>();
    const names: string[] = [];
    let fromQuery = false;
    let fromForm = false;
    const take = (pairs: Iterable<[string, string]>, form: boolean) => {
      for (const [k, v] of pairs) {
        names.push(k);
        values.set(k.toLowerCase(), v);
        if (form) fromForm = true;
        else fromQuery = true;
      }
    };
    take(req.query, false);
    const type = String(req.headers['content-type'] ?? '').toLowerCase();
    if (req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded')) take(new URLSearchParams(req.bodyText), true);
    const source = fromQuery && fromForm ? 'query+form' : fromForm ? 'form' : fromQuery ? 'query' : 'none';
    const p: Params = { values, names, source };
    this.parsed.set(req, p);
    return p;
  }

  private handle(req: EmulatedRequest): RouteResult {
    // IIS serves the one API page; paths are case-insensitive there.
    if (req.path.toLowerCase() !== '/xml.response') {
      return htmlPage(404, '404 - File or directory not found.', 'The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.');
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      return htmlPage(405, '405 - HTTP verb used to access this page is not allowed.', 'The page you are looking for cannot be displayed because an invalid method (HTTP verb) was used to attempt access.');
    }
    const p = this.params(req);
    const params: Record<string, string> = {};
    for (const [k, v] of p.values) params[k] = k === 'apikey' ? '***' : v;
    this.calls.push({
      method: req.method,
      contentType: String(req.headers['content-type'] ?? ''),
      host: String(req.headers.host ?? ''),
      names: [...p.names],
      params,
      source: p.source,
    });
    const raw = this.rawReplies.find((r) => r.left > 0);
    if (raw) {
      raw.left -= 1;
      return raw.reply;
    }
    return this.reply(this.run(p.values));
  }

  private run(q: Map<string, string>): Outcome {
    const global = (number: string, text: string): Outcome => ({ errors: [{ number, text }], requested: '' });
    const apiUser = q.get('apiuser');
    const apiKey = q.get('apikey');
    const command = q.get('command');
    const clientIp = q.get('clientip');
    const userName = q.get('username');
    if (!apiUser) return global(ERR.API_USER_MISSING, 'Parameter APIUser is missing');
    if (!apiKey) return global(ERR.API_KEY_MISSING, 'Parameter APIKey is missing');
    if (!command) return global(ERR.COMMAND_MISSING, 'Parameter Command is missing');
    if (!clientIp) return global(ERR.CLIENT_IP_MISSING, 'Parameter ClientIP is missing');
    if (apiUser !== this.apiUser || apiKey !== this.apiKey || !this.apiAccessEnabled) {
      return global(ERR.API_KEY_INVALID, 'API Key is invalid or API access has not been enabled');
    }
    if (!isIPv4(clientIp) || !this.whitelist.has(clientIp)) return global(ERR.REQUEST_IP_INVALID, `Invalid request IP: ${clientIp}`);
    if (!userName) return global('1010103', 'Parameter UserName is missing');
    if (userName !== this.userName) return global(ERR.USER_NAME_UNAUTHORIZED, 'UserName unauthorized');

    const requested = command.toLowerCase();
    const canonical = KNOWN_COMMANDS.get(requested);
    if (!canonical) return { errors: [{ number: '1011104', text: `Parameter Command is invalid: ${command}` }], requested };

    const scripted = this.take(this.scriptedErrors, requested);
    if (scripted) return { errors: [{ number: scripted.number, text: scripted.text }], requested, type: canonical, result: this.emptyResult(canonical) };

    const outcome =
      canonical === COMMANDS.getInfo ? this.getInfo(q, userName) : canonical === COMMANDS.getList ? this.getList(q, userName) : this.setCustom(q, userName);
    return { ...outcome, requested, type: canonical, result: outcome.errors ? this.emptyResult(canonical) : outcome.result };
  }

  private take(list: { message: ScriptedMessage; left: number }[], command: string): ScriptedMessage | undefined {
    for (const entry of list) {
      if (entry.left <= 0) continue;
      if (entry.message.command && entry.message.command.toLowerCase() !== command) continue;
      entry.left -= 1;
      return entry.message;
    }
    return undefined;
  }

  private owned(domain: string, userName: string): EmulatedDomain | undefined {
    const entry = this.store.get(domain);
    return entry && entry.owner === userName ? entry : undefined;
  }

  private dnsDetails(entry: EmulatedDomain): string {
    const ours = Boolean(entry.usingOurDns);
    return el(
      'DnsDetails',
      { ProviderType: ours ? 'FREE' : 'CUSTOM', IsUsingOurDNS: ours, HostCount: ours ? 3 : 0, EmailType: ours ? 'FWD' : 'OTHER', DynamicDNSStatus: false, IsFailover: false },
      entry.nameServers.map((n) => el('Nameserver', {}, esc(n))).join(''),
    );
  }

  private getInfo(q: Map<string, string>, userName: string): Omit<Outcome, 'requested'> {
    const domainName = q.get('domainname');
    if (!domainName) return { errors: [{ number: '2010166', text: 'Parameter DomainName is Missing' }] };
    const domain = domainName.toLowerCase();
    const entry = this.owned(domain, userName);
    if (!entry) return { errors: [{ number: ERR.DOMAIN_INVALID, text: 'Domain is invalid' }] };
    const details =
      el('DomainDetails', {}, el('CreatedDate', {}, '11/28/2019') + el('ExpiredDate', {}, '11/28/2027') + el('NumYears', {}, '0')) +
      el('LockDetails') +
      el('Whoisguard', { Enabled: 'True' }, el('ID', {}, String(entry.id)) + el('ExpiredDate', {}, '11/28/2027') + el('EmailDetails', { WhoisGuardEmail: 'x@whoisguard.example', ForwardedTo: 'owner@example.net', LastAutoEmailChangeDate: '', AutoEmailChangeFrequencyDays: 3 })) +
      el('PremiumDnsSubscription', {}, el('UseAutoRenew', {}, 'false') + el('SubscriptionId', {}, '-1') + el('CreatedDate', {}, '01/01/0001 00:00:00') + el('ExpirationDate', {}, '01/01/0001 00:00:00') + el('IsActive', {}, 'false')) +
      this.dnsDetails(entry) +
      el('Modificationrights', { All: Boolean(entry.editable) });
    return {
      result: el('DomainGetInfoResult', { Status: 'Ok', ID: String(entry.id), DomainName: domain, OwnerName: String(entry.owner), IsOwner: true, IsPremium: false }, details),
    };
  }

  private domainOf(q: Map<string, string>): { domain?: string; error?: { number: string; text: string } } {
    const sld = q.get('sld');
    const tld = q.get('tld');
    if (!sld) return { error: { number: '2010166', text: 'Parameter SLD is Missing' } };
    if (!tld) return { error: { number: '2010166', text: 'Parameter TLD is Missing' } };
    // SLD is one label: example.co + uk is a domain "example.co" under "uk", which is not this one.
    if (sld.includes('.')) return { error: { number: ERR.DOMAIN_NOT_FOUND, text: 'Domain not found' } };
    return { domain: `${sld}.${tld}`.toLowerCase() };
  }

  private getList(q: Map<string, string>, userName: string): Omit<Outcome, 'requested'> {
    const { domain, error } = this.domainOf(q);
    if (error) return { errors: [error] };
    const entry = this.owned(domain!, userName);
    if (!entry) return { errors: [{ number: ERR.DOMAIN_NOT_FOUND, text: 'Domain name not found' }] };
    return {
      result: el(
        'DomainDNSGetListResult',
        { Domain: domain!, IsUsingOurDNS: Boolean(entry.usingOurDns) },
        entry.nameServers.map((n) => el('Nameserver', {}, esc(n))).join(''),
      ),
    };
  }

  private setCustom(q: Map<string, string>, userName: string): Omit<Outcome, 'requested'> {
    const { domain, error } = this.domainOf(q);
    if (error) return { errors: [error] };
    const entry = this.store.get(domain!);
    if (!entry) return { errors: [{ number: ERR.DOMAIN_NOT_FOUND, text: 'Domain not found' }] };
    if (entry.owner !== userName) return { errors: [{ number: ERR.DOMAIN_NOT_ASSOCIATED, text: 'Domain is not associated with your account' }] };
    if (!entry.editable) return { errors: [{ number: ERR.DOMAIN_INVALID, text: 'Edit permission for domain is not supported' }] };
    const raw = q.get('nameservers');
    if (!raw || raw.trim() === '') return { errors: [{ number: '2010324', text: 'Parameter Nameservers is Missing' }] };
    if (raw.length > MAX_NAMESERVERS_CHARS) return { errors: [{ number: '2011324', text: `Parameter Nameservers is too long (max ${MAX_NAMESERVERS_CHARS})` }] };
    const list = raw.split(',').map((n) => n.trim()).filter((n) => n !== '');
    const enom = (detail: string) => ({ errors: [{ number: ERR.ENOM_ERROR, text: `Error From Enom when Errorcount <> 0: ${detail}` }] });
    if (list.length < 2) return enom('At least two nameservers are required');
    const bad = list.filter((n) => !isRegisteredHost(n));
    if (bad.length > 0) return enom(`Nameserver ${bad[0]} is not registered at the registry (Object does not exist)`);
    entry.nameServers = list;
    entry.usingOurDns = false;
    this.onDelegationChange?.(domain!, [...list]);
    return { result: el('DomainDNSSetCustomResult', { Domain: domain!, Updated: true }), write: true };
  }

  private emptyResult(command: string): string {
    if (command === COMMANDS.getInfo) return el('DomainGetInfoResult', { Status: '', ID: 0, DomainName: '', OwnerName: '', IsOwner: false, IsPremium: false });
    if (command === COMMANDS.setCustom) return el('DomainDNSSetCustomResult', { Domain: '', Updated: false });
    return el('DomainDNSGetListResult', { Domain: '', IsUsingOurDNS: false });
  }

  private reply(o: Outcome): RouteResult {
    const started = process.hrtime.bigint();
    const errors = o.errors ?? [];
    const warnings = errors.length === 0 ? this.warningsFor(o.requested) : [];
    const list = (tag: string, items: { number: string; text: string }[]) =>
      items.length === 0 ? el(tag) : el(tag, {}, items.map((m) => el(tag.slice(0, -1), { Number: m.number }, esc(m.text))).join(''));
    const parts = [
      list('Errors', errors),
      list('Warnings', warnings),
      o.requested ? el('RequestedCommand', {}, esc(o.requested)) : el('RequestedCommand'),
      o.type ? el('CommandResponse', { Type: o.type }, o.result ?? '') : '',
      el('Server', {}, 'PHX01APIEXT01'),
      el('GMTTimeDifference', {}, '--5:00'),
      el('ExecutionTime', {}, (Number(process.hrtime.bigint() - started) / 1e9).toFixed(3)),
    ].filter((s) => s !== '');
    const body =
      '<?xml version="1.0" encoding="utf-8"?>\r\n' +
      `<ApiResponse Status="${errors.length > 0 ? 'ERROR' : 'OK'}" xmlns="${XMLNS}">\r\n  ${parts.join('\r\n  ')}\r\n</ApiResponse>`;
    return {
      status: 200,
      headers: { 'Content-Type': 'text/xml; charset=utf-8', Server: 'Microsoft-IIS/10.0', 'X-AspNet-Version': '4.0.30319', 'X-Powered-By': 'ASP.NET' },
      body,
      write: Boolean(o.write) && errors.length === 0,
    };
  }

  private warningsFor(command: string): { number: string; text: string }[] {
    const w = command ? this.take(this.scriptedWarnings, command) : undefined;
    return w ? [{ number: w.number, text: w.text }] : [];
  }
}

/** For the conformance suite. */
export async function startEmulator(opts: NamecheapEmulatorOptions = {}): Promise<NamecheapEmulator> {
  return new NamecheapEmulator(opts).start();
}

/**
 * Every message the constructs (and the YAML loader, which shares their checks) can produce, in one
 * place, so the wording can be reviewed and kept consistent (cdktf's lib/errors.ts does the same).
 *
 * Conventions:
 *  - a message states the rule, echoes the bad value in double quotes and, when it is not obvious,
 *    says how to fix it;
 *  - message builders return plain strings ("problems"), so one check can be reported either by a
 *    construct (thrown as `NsbridgeValidationError`, all problems of one construct at once) or by
 *    the config loader (prefixed with the path in the file, every problem of the file at once);
 *  - nothing in here imports cdktf: the config loader uses it before any construct exists.
 */

/** Show a value in a message: strings quoted, everything else as JSON, long values shortened. */
export function show(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (value === undefined) s = 'undefined';
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  return s.length > 120 ? `${s.slice(0, 100)}…(${s.length} characters)` : s;
}

const list = (values: readonly string[]): string => values.join(', ');

/** "an A record", "a TXT record": the article as the type is read aloud. */
export const aType = (type: string): string => `${/^(A|AAAA|MX|SRV|NS)$/.test(type) ? 'an' : 'a'} ${type}`;

/**
 * A construct was given props it cannot turn into a valid configuration. Thrown from the
 * constructor before any child is created. Carries the construct path and every problem found.
 */
export class NsbridgeValidationError extends Error {
  /** Marks the error without relying on instanceof (two copies of the library may be loaded). */
  public readonly isNsbridgeValidationError = true;

  constructor(
    /** Path of the construct in the tree, e.g. `production/example.com/zone`. */
    public readonly constructPath: string,
    /** One sentence per problem, in the order they were found. */
    public readonly problems: readonly string[],
  ) {
    super(
      problems.length === 1
        ? `${constructPath}: ${problems[0]}`
        : `${constructPath}: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'NsbridgeValidationError';
  }

  static is(x: unknown): x is NsbridgeValidationError {
    return typeof x === 'object' && x !== null && (x as { isNsbridgeValidationError?: unknown }).isNsbridgeValidationError === true;
  }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

export const invalidDomainName = (value: unknown, reason: string): string =>
  `domain name ${show(value)} ${reason}`;

export const invalidRecordName = (value: unknown, reason: string): string =>
  `record name ${show(value)} ${reason}`;

export const recordNameOutsideZone = (value: string, zone: string): string =>
  `record name ${show(value)} is not inside the zone "${zone}"; use a name relative to the zone ("www", "@" for the apex) or a name ending in ".${zone}"`;

export const invalidTargetHost = (what: string, value: unknown, reason: string): string =>
  `${what} ${show(value)} ${reason}`;

export const subdomainNotUnderParent = (child: string, parent: string): string =>
  `subdomain "${child}" is not below the parent zone "${parent}"; a delegation NS record can only be created for a name inside the parent zone`;

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

export const unknownRecordType = (value: unknown, known: readonly string[]): string =>
  `record type ${show(value)} is not supported; use one of ${list(known)}`;

export const invalidTtl = (value: unknown, min: number, max: number): string =>
  `ttl ${show(value)} must be a whole number of seconds from ${min} to ${max}`;

export const emptyValues = (type: string): string => `${aType(type)} record needs at least one value`;

export const duplicateValue = (value: unknown): string => `value ${show(value)} is listed twice; Route 53 rejects duplicate values in one record`;

export const notIpv4 = (value: unknown): string => `${show(value)} is not an IPv4 address (dotted decimal, e.g. 192.0.2.10)`;

export const notIpv6 = (value: unknown): string => `${show(value)} is not an IPv6 address (e.g. 2001:db8::10)`;

export const cnameAtApex = (zone: string): string =>
  `a CNAME record cannot be at the zone apex "${zone}" (DNS forbids other data next to a CNAME, and the apex always has SOA and NS); use an alias A/AAAA record instead`;

export const cnameConflict = (name: string, otherType: string): string =>
  `a CNAME record at "${name}" cannot coexist with ${aType(otherType)} record of the same name; keep one of them`;

export const duplicateRecord = (name: string, type: string): string =>
  `there are two ${type} records for "${name}"; put all values into one record (Route 53 keeps one record set per name and type)`;

export const invalidPriority = (field: string, value: unknown): string =>
  `${field} ${show(value)} must be a whole number from 0 to 65535`;

export const invalidCaaFlags = (value: unknown): string =>
  `CAA flags ${show(value)} must be a whole number from 0 to 255 (0 = not critical, 128 = critical)`;

export const invalidCaaTag = (value: unknown, known: readonly string[]): string =>
  `CAA tag ${show(value)} is not supported by Route 53; use one of ${list(known)}`;

export const invalidCaaIodef = (value: unknown): string =>
  `CAA iodef value ${show(value)} must be a mailto:, http:// or https:// URL`;

export const invalidCaaIssuer = (value: unknown): string =>
  `CAA issue/issuewild value ${show(value)} must be a CA domain name (e.g. letsencrypt.org), optionally followed by "; parameters", or ";" to forbid issuance`;

export const srvNameShape = (name: string): string =>
  `SRV record name ${show(name)} must start with _service._protocol (e.g. _sip._tcp), RFC 2782`;

export const txtTooLong = (length: number, max: number): string =>
  `TXT value is ${length} characters once quoted and split for Route 53; the limit per value is ${max}`;

export const txtNotString = (value: unknown): string => `TXT value ${show(value)} must be a string`;

export const aliasWithTtl = (): string =>
  `an alias record takes its TTL from the target; remove "ttl" (Route 53 rejects a TTL on an alias record)`;

export const aliasAndValues = (): string => `a record has either values or an alias target, not both`;

export const valuesMissing = (type: string): string => `${aType(type)} record needs "values" (or, for A/AAAA, an "alias" target)`;

export const aliasTypeNotSupported = (type: string): string =>
  `alias records are supported here for A and AAAA only, not ${show(type)}`;

export const invalidAliasZoneId = (value: unknown): string =>
  `alias zoneId ${show(value)} is not a Route 53 hosted zone id (letters and digits, e.g. Z2FDTNDATAQYW2)`;

export const cnameSingleValue = (count: number): string =>
  `a CNAME record has exactly one target; got ${count}`;

// ---------------------------------------------------------------------------------------------
// Zones, delegation sets, tags
// ---------------------------------------------------------------------------------------------

export const delegationSetBothGiven = (): string =>
  `give only one of "delegationSetId" (an existing reusable delegation set) and "createDelegationSet" (a new one)`;

export const invalidDelegationSetId = (value: unknown): string =>
  `delegation set id ${show(value)} is not a Route 53 reusable delegation set id (e.g. N1PA6795SAMPLE, with or without the "/delegationset/" prefix)`;

export const invalidTagKey = (key: string): string =>
  `tag key ${show(key)} must be 1 to 128 characters`;

export const invalidTagValue = (key: string, value: unknown): string =>
  `tag ${show(key)} has value ${show(value)}; tag values are strings of at most 256 characters`;

export const commentTooLong = (length: number): string =>
  `comment is ${length} characters long; Route 53 allows at most 256`;

// ---------------------------------------------------------------------------------------------
// Registrar delegation
// ---------------------------------------------------------------------------------------------

/** The closest candidate within two edits (typos such as "namecheep"), if any. */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return row[b.length]!;
  };
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(value.toLowerCase(), c);
    if (d <= 2 && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

export const unknownRegistrar = (value: unknown, known: readonly string[]): string => {
  const guess = typeof value === 'string' ? closest(value, known) : undefined;
  return `registrar ${show(value)} is not known${guess ? ` (did you mean "${guess}"?)` : ''}; use one of ${list(known)}`;
};

export const registrarCannotDelegate = (id: string, reason: string): string =>
  `registrar "${id}" cannot point a domain at Route 53: ${reason}`;

export const unknownRegistrarSetting = (registrar: string, key: string, known: readonly string[]): string =>
  known.length === 0
    ? `registrar "${registrar}" takes no settings, but ${show(key)} was given`
    : `registrar "${registrar}" has no setting ${show(key)}; its settings are ${list(known)}`;

export const registrarSettingType = (registrar: string, key: string, type: string, value: unknown): string =>
  `registrar "${registrar}" setting "${key}" must be a ${type}, got ${show(value)}`;

export const credentialInSettings = (registrar: string, key: string, envVars: readonly string[]): string =>
  `registrar "${registrar}" setting ${show(key)} looks like a credential; credentials are never part of the configuration (they would end up in the plan and the state): set ${envVars.length > 0 ? list(envVars) : 'the credential'} in the environment of the process that runs Terraform instead`;

export const unknownDestroyPolicy = (value: unknown, known: readonly string[]): string =>
  `destroy policy ${show(value)} is not known; use one of ${list(known)}`;

export const restoreNotSupported = (registrar: string, reason: string): string =>
  `destroy policy "restore" needs the name servers the domain had before nsbridge, but registrar "${registrar}" cannot read them (${reason}); use "retain" or "refuse"`;

export const nameServersInvalid = (reason: string): string => `name servers: ${reason}`;

export const cliBundleMissing = (candidates: readonly string[]): string =>
  `the nsbridge CLI bundle was not found (looked at ${list(candidates)}); run "npm run build" to create dist/nsbridge.js, or pass "cliBundlePath"`;

export const cliBundleConflict = (stackPath: string, existing: string, requested: string): string =>
  `stack "${stackPath}" already ships the nsbridge CLI from ${show(existing)}; every delegation in a stack shares one bundle, but ${show(requested)} was requested`;

// ---------------------------------------------------------------------------------------------
// Stacks
// ---------------------------------------------------------------------------------------------

export const invalidStackName = (value: unknown): string =>
  `stack name ${show(value)} must start with a letter or digit and contain only letters, digits, "-" and "_" (it becomes a directory name under cdktf.out/stacks)`;

export const duplicateDomain = (written: string, name: string, firstAt: string): string =>
  `domain ${show(written)}${written === name ? '' : ` (${name})`} is already defined at ${firstAt} (names are compared after normalisation: case, trailing dot, IDN to punycode)`;

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

/** `['domains', 3, 'records', 0, 'ttl']` → `domains[3].records[0].ttl`. */
export function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const part of path) {
    if (typeof part === 'number') s += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) s += s === '' ? part : `.${part}`;
    else s += `[${JSON.stringify(part)}]`;
  }
  return s;
}

/** A problem with its path as one line, e.g. `records[0].values[1]: "x" is not an IPv4 address`. */
export const atPath = (path: readonly (string | number)[], message: string): string =>
  path.length === 0 ? message : `${formatPath(path)}: ${message}`;

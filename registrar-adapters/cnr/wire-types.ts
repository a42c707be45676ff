/**
 * CentralNic Reseller (CNR, ex RRPproxy / Key-Systems) wire format, shared by the adapter and the
 * emulator. https://kb.centralnicreseller.com/api/api-commands/api-command-reference
 *
 * Request: POST /api/call.cgi, application/x-www-form-urlencoded, fields `s_login`, `s_pw` and
 * `s_command`, the command itself as newline-separated `KEY=value` lines (the official SDK's form,
 * github.com/centralnicgroup-opensource/rtldev-middleware-go-sdk apiclient.go GetPOSTData).
 * Answer: plain text in HTTP 200, errors included:
 *   [RESPONSE]
 *   code = 200
 *   description = Command completed successfully
 *   property[NAMESERVER][0] = ns1.example.net
 *   EOF
 */
import { z } from 'zod';

export const API_PATH = '/api/call.cgi';

/** One command: `COMMAND` plus parameters; keys are case-insensitive at CNR, sent upper-case. */
export type CnrCommand = Readonly<Record<string, string>>;

/** The `s_command` field: `KEY=value` lines, sorted (as the SDK does), no line breaks in values. */
export function encodeCommand(command: CnrCommand): string {
  return Object.keys(command)
    .sort()
    .map((k) => {
      const value = command[k]!;
      if (/[\r\n]/.test(value) || /[\r\n=]/.test(k)) throw new Error(`CNR command parameter ${k} contains a line break`);
      return `${k.toUpperCase()}=${value}`;
    })
    .join('\n');
}

/** The `s_command` text back into a command, keys upper-cased (emulator side). */
export function decodeCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim().toUpperCase()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** A parsed answer: the code, its description, and `property[NAME][i]` lists keyed by upper-case NAME. */
export interface CnrResponse {
  readonly code: number;
  readonly description: string;
  readonly properties: Readonly<Record<string, readonly string[]>>;
}

const responseSchema = z.object({
  code: z.string().regex(/^\d{3}$/, 'code is not a three-digit number'),
  description: z.string(),
  properties: z.record(z.string(), z.array(z.string())),
});

/**
 * Parse the plain-text answer. Anything that is not a complete `[RESPONSE] ... EOF` block with a
 * three-digit code is refused with the reason: a truncated answer is never half-read.
 */
export function parseResponse(body: unknown): { ok: true; response: CnrResponse } | { ok: false; reason: string } {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
  if (text === undefined) return { ok: false, reason: 'the answer is not text' };
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (lines[0] !== '[RESPONSE]') return { ok: false, reason: 'the answer does not start with [RESPONSE]' };
  if (lines[lines.length - 1] !== 'EOF') return { ok: false, reason: 'the answer does not end with EOF (truncated?)' };
  const raw: { code?: string; description?: string; properties: Record<string, string[]> } = { properties: {} };
  for (const line of lines.slice(1, -1)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const prop = /^property\[([^\]]+)\]\[(\d+)\]$/i.exec(key);
    if (prop) {
      const name = prop[1]!.toUpperCase();
      const list = (raw.properties[name] ??= []);
      list[Number(prop[2])] = value;
    } else if (key.toLowerCase() === 'code') raw.code = value;
    else if (key.toLowerCase() === 'description') raw.description = value;
    // queuetime, runtime, ...: not used
  }
  // Holes (property[X][0] and [2] without [1]) would be undefined entries: drop them.
  for (const name of Object.keys(raw.properties)) raw.properties[name] = raw.properties[name]!.filter((v) => v !== undefined);
  const parsed = responseSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: `the answer has no valid code/description (${parsed.error.issues.map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`).join('; ')})` };
  return { ok: true, response: { code: Number(parsed.data.code), description: parsed.data.description, properties: parsed.data.properties } };
}

/** Render an answer (emulator side). */
export function renderResponse(code: number, description: string, properties: Record<string, readonly string[]> = {}): string {
  const lines = ['[RESPONSE]', `code = ${code}`, `description = ${description}`];
  for (const [name, values] of Object.entries(properties)) values.forEach((v, i) => lines.push(`property[${name}][${i}] = ${v}`));
  lines.push('queuetime = 0', 'runtime = 0.012', 'EOF', '');
  return lines.join('\n');
}

/** StatusDomain: what nsbridge reads from it. DOMAIN names the domain; NAMESERVER is required. */
export const statusDomainSchema = z.object({
  DOMAIN: z.array(z.string()).min(1, 'has no property[DOMAIN]'),
  NAMESERVER: z.array(z.string().min(1)).min(1, 'has no property[NAMESERVER]'),
  DNSSEC: z.array(z.string()).optional(),
  DNSSECDSDATA: z.array(z.string()).optional(),
});

export type StatusDomain = z.infer<typeof statusDomainSchema>;

/** The parameters of ModifyDomain nsbridge uses (kb: api-command/ModifyDomain). */
export const MAX_NAMESERVERS = 13;
export const PARAM = {
  nameserver: (i: number) => `NAMESERVER${i}`,
  dsData: (i: number) => `DNSSECDSDATA${i}`,
  dnskey: (i: number) => `DNSSEC${i}`,
  deleteAllDnssec: 'DNSSECDELALL',
} as const;

/** CNR return codes nsbridge acts on (kb.centralnicreseller.com/api/return-codes). */
export const CODE = {
  OK: 200,
  SERVER_ERROR_420: 420,
  SERVER_ERROR: 421,
  ABUSE_DETECTED: 422,
  SOCKET_ERROR: 423,
  INVALID_COMMAND: 500,
  MISSING_ATTRIBUTE: 504,
  INVALID_SYNTAX: 505,
  TOO_MANY_SESSIONS: 521,
  AUTHENTICATION_FAILED: 530,
  AUTHORIZATION_FAILED: 531,
  RESTRICTED_IP: 535,
  INVALID_VALUE: 541,
  ON_HOLD: 544,
  NOT_FOUND: 545,
  CREDIT_LIMIT: 546,
  INVALID_SEQUENCE: 547,
  COMMAND_FAILED: 549,
} as const;

/** 4xx: "temporary error, retry later" (return-codes); 422 is the abuse lock, handled as throttling. */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([CODE.SERVER_ERROR_420, CODE.SERVER_ERROR, CODE.SOCKET_ERROR]);

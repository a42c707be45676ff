/**
 * Server-side AWS Signature Version 4 verification for the Route 53 Domains emulator, written
 * from the published algorithm with node:crypto only. It is deliberately independent of the SDK's
 * signer (@smithy/signature-v4): a verifier built from the same code as the signer would agree
 * with it even where both are wrong.
 *
 * Checks, in the order AWS front ends are known to apply them:
 *  - an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` header;
 *  - the access key id is known (else UnrecognizedClientException), and a session token, when the
 *    key has one, is sent in X-Amz-Security-Token;
 *  - the credential scope is <date>/us-east-1/route53domains/aws4_request;
 *  - X-Amz-Date within 5 minutes of the server clock ("Signature expired");
 *  - host and x-amz-date are signed, and the signature recomputed with the key's secret matches.
 * HTTP statuses and exact messages are UNCONFIRMED for this service (403 chosen for all auth
 * failures, as the brief and other AWS JSON services answer); the type names are standard AWS.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { EmulatedRequest } from '../emulator-kit';

export interface SigningKey {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export type SigV4Outcome =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly status: number; readonly type: string; readonly message: string };

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE_RE = /^(\d{8})T(\d{6})Z$/;
const MAX_SKEW_MS = 5 * 60_000;

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters only left as they are). */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: URLSearchParams): string {
  return [...query.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Non-S3 services normalise the path and encode each segment twice (once here, once by the client). */
function canonicalPath(path: string): string {
  if (path === '' || path === '/') return '/';
  return path
    .split('/')
    .map((seg) => uriEncode(uriEncode(decodeURIComponent(seg))))
    .join('/');
}

function headerValue(req: EmulatedRequest, name: string): string | undefined {
  const v = req.headers[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v.join(',') : String(v)).trim().replace(/\s+/g, ' ');
}

export function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE_RE.exec(value);
  if (!m) return undefined;
  const [d, t] = [m[1]!, m[2]!];
  const ms = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +t.slice(0, 2), +t.slice(2, 4), +t.slice(4, 6));
  return Number.isNaN(ms) ? undefined : ms;
}

/** The access key id named in the Authorization header (for rate-limit accounting), unverified. */
export function accessKeyIdOf(req: EmulatedRequest): string | undefined {
  const m = AUTH_RE.exec(String(req.headers.authorization ?? '').trim());
  return m ? m[1]!.split('/')[0] : undefined;
}

export function verifySigV4(
  req: EmulatedRequest,
  keys: ReadonlyMap<string, SigningKey>,
  scope: { readonly region: string; readonly service: string },
  now: number = Date.now(),
): SigV4Outcome {
  const fail = (status: number, type: string, message: string): SigV4Outcome => ({ ok: false, status, type, message });
  const auth = String(req.headers.authorization ?? '').trim();
  if (!auth) return fail(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  const m = AUTH_RE.exec(auth);
  if (!m) {
    return fail(403, 'IncompleteSignatureException', `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters of an AWS4-HMAC-SHA256 signature. Authorization=${auth.split(/\s/)[0]}`);
  }
  const [credential, signedHeadersList, signature] = [m[1]!, m[2]!, m[3]!];
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    return fail(403, 'IncompleteSignatureException', 'Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term');
  }
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  const key = keys.get(accessKeyId);
  if (!key) return fail(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (key.sessionToken !== undefined && headerValue(req, 'x-amz-security-token') !== key.sessionToken) {
    return fail(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (region !== scope.region) {
    return fail(403, 'InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'. `);
  }
  if (service !== scope.service) {
    return fail(403, 'InvalidSignatureException', `Credential should be scoped to correct service: '${scope.service}'. `);
  }
  const amzDate = headerValue(req, 'x-amz-date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) {
    return fail(403, 'IncompleteSignatureException', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
  }
  if (amzDate.slice(0, 8) !== date) {
    return fail(403, 'InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`);
  }
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    const iso = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
    return fail(403, 'InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${iso(now - MAX_SKEW_MS)} (${iso(now)} - 5 min.)`);
  }
  const signedHeaders = signedHeadersList.split(';');
  if (!signedHeaders.includes('host')) {
    return fail(403, 'InvalidSignatureException', '\'Host\' or \':authority\' must be a \'SignedHeader\' in the AWS Authorization.');
  }
  const sorted = [...signedHeaders].sort();
  if (sorted.join(';') !== signedHeadersList || signedHeaders.some((h) => h !== h.toLowerCase())) {
    return fail(403, 'InvalidSignatureException', 'SignedHeaders must be lower case and sorted.');
  }
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${headerValue(req, h) ?? ''}\n`).join('');
  const payloadHash = headerValue(req, 'x-amz-content-sha256') ?? sha256Hex(Buffer.from(req.bodyText, 'utf8'));
  const canonicalRequest = [req.method, canonicalPath(req.path), canonicalQuery(req.query), canonicalHeaders, signedHeadersList, payloadHash].join('\n');
  const credentialScope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    // AWS's own wording, canonical request and string-to-sign included: clients must not echo it
    // whole (with a session token in the request, it is in the canonical string).
    return fail(
      403,
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n' +
        `The Canonical String for this request should have been\n'${canonicalRequest}'\n\nThe String-to-Sign should have been\n'${stringToSign}'\n`,
    );
  }
  return { ok: true, accessKeyId };
}

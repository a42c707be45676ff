/** GoDaddy's error envelope and 429 hint, shared by the v1 (name servers) and v2 (DNSSEC) calls. */
import type { AxiosResponse } from 'axios';
import type { GoDaddyError } from './wire-types';

/** GoDaddy's 429 body names the wait in seconds. */
export function retryAfterSec(res: AxiosResponse): number | undefined {
  const sec = (res.data as Partial<GoDaddyError> | undefined)?.retryAfterSec;
  return typeof sec === 'number' && sec >= 0 ? sec * 1000 : undefined;
}

export function detail(res: AxiosResponse): string | undefined {
  const body = res.data as Partial<GoDaddyError> | undefined;
  if (!body || typeof body !== 'object' || !body.code) return undefined;
  const fields = Array.isArray(body.fields) && body.fields.length > 0
    ? ` (${body.fields.map((f) => `${f.path}: ${f.message ?? f.code}`).join('; ')})`
    : '';
  return `${body.code}: ${body.message ?? ''}${fields}`;
}


export const ACCESS_DENIED_HINT =
  'since 2024 GoDaddy allows its production Domains API only to accounts with 10 or more domains or a Discount Domain Club plan; upgrade the account, use the OTE sandbox (NSBRIDGE_GODADDY_SANDBOX=1) to test, or use the manual registrar for this domain';

export const AUTH_HINT =
  'GoDaddy did not accept GODADDY_API_KEY/GODADDY_API_SECRET; OTE and production keys differ (NSBRIDGE_GODADDY_SANDBOX)';

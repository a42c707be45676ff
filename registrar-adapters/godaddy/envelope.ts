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


/**
 * The plan as GoDaddy's developer portal names it for API access (https://developer.godaddy.com/getstarted,
 * quoted July 2024): "Discount Domain Club – Premier Membership"; the basic Discount Domain Club
 * plan was reported not to be enough. The portal's thresholds have changed over time, so the hint
 * points there too.
 */
export const ACCESS_DENIED_HINT =
  'since 2024 GoDaddy allows its production Domains API only to accounts with 10 or more domains or a Discount Domain Club – Premier Membership plan (the basic Discount Domain Club plan is not enough; developer.godaddy.com/getstarted has the current terms); upgrade the account, use the OTE sandbox (NSBRIDGE_GODADDY_SANDBOX=1) to test, or use the manual registrar for this domain';

export const AUTH_HINT =
  'GoDaddy did not accept GODADDY_API_KEY/GODADDY_API_SECRET; OTE and production keys differ (NSBRIDGE_GODADDY_SANDBOX)';

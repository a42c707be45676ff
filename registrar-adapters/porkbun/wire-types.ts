import { z } from 'zod';

/**
 * Porkbun JSON API v3 wire shapes (https://porkbun.com/api/json/v3/documentation).
 * Every call is a POST whose JSON body carries the credentials, reads included.
 */

/** Credentials, in the body of every request (never in the URL). */
export interface PorkbunAuth {
  apikey: string;
  secretapikey: string;
}

/** POST /domain/getNs/{domain} -> 200 */
export interface PorkbunGetNsResponse {
  status: 'SUCCESS';
  /** Some TLDs (.de) answer with trailing dots. */
  ns: string[];
}

/** POST /domain/updateNs/{domain} body */
export interface PorkbunUpdateNsRequest extends PorkbunAuth {
  ns: string[];
}

/** POST /domain/updateNs/{domain} -> 200 */
export interface PorkbunSuccess {
  status: 'SUCCESS';
}

/**
 * Errors: HTTP 400 (mostly) with `status: "ERROR"` and a message. The classic envelope has only
 * the message (e.g. "Invalid API key. (002)", "Invalid domain."); newer answers add a
 * machine-readable `code` and sometimes `next_action` (UNCONFIRMED against official text).
 */
export interface PorkbunError {
  status: 'ERROR';
  message?: string;
  code?: string;
  next_action?: { type?: string; hint?: string; url?: string };
}

/**
 * One DS record as Porkbun lists it: every value a STRING ("13", not 13). The key data fields
 * appear when the record was created with them (registries that want the DNSKEY).
 */
export interface PorkbunDnssecRecord {
  keyTag: string;
  alg: string;
  digestType: string;
  digest: string;
  maxSigLife?: string;
  keyDataFlags?: string;
  keyDataProtocol?: string;
  keyDataAlgo?: string;
  keyDataPubKey?: string;
}

/**
 * POST /dns/getDnssecRecords/{domain} -> 200. `records` is an OBJECT keyed by key tag; with no
 * records its shape is UNCONFIRMED (`{}` or `[]`; PHP encodes an empty array as `[]`).
 */
export interface PorkbunGetDnssecResponse {
  status: 'SUCCESS';
  records: Record<string, PorkbunDnssecRecord> | PorkbunDnssecRecord[];
}

/** POST /dns/createDnssecRecord/{domain}: a FLAT body, values as strings, the same fields the list gives back. */
export type PorkbunCreateDnssecRequest = PorkbunAuth & PorkbunDnssecRecord;

// ---- Answer schemas (registrar-adapters/core/answer.ts parseAnswer): read only after the
// envelope said {"status":"SUCCESS"}; the fields the call is about must be there too.

/** POST /domain/getNs/{domain}. */
export const GetNsAnswer = z.looseObject({ status: z.literal('SUCCESS'), ns: z.array(z.string()) });

/** POST /dns/getDnssecRecords/{domain}: `records` is read by parsePorkbunDnssec (its empty shape is UNCONFIRMED). */
export const GetDnssecAnswer = z
  .looseObject({ status: z.literal('SUCCESS'), records: z.unknown() })
  // Present even when empty ([] or {}): a SUCCESS without it answers some other call.
  .refine((b) => 'records' in b && b.records !== undefined, { message: 'has no "records"' });

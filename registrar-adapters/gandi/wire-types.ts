import { z } from 'zod';

/**
 * Gandi v5 wire shapes (api.gandi.net/docs/domains, go-gandi domain/types.go and
 * types/types.go). Gandi's API is a Pyramid/Cornice application: plain errors are Pyramid
 * HTTP exceptions rendered as JSON, input errors are Cornice's validation envelope.
 */

/** GET /v5/domain/domains/{domain}/nameservers: a BARE array, not an object. */
export type GandiNameservers = string[];

/** PUT /v5/domain/domains/{domain}/nameservers body. */
export interface GandiNameserversUpdate {
  nameservers: string[];
}

/** Success body of writes (go-gandi StandardResponse). */
export interface GandiMessage {
  message: string;
}

/** Standard error object, e.g. {"code":404,"message":"The resource could not be found.","object":"HTTPNotFound","cause":"Not Found"}. */
export interface GandiErrorObject {
  code: number;
  message: string;
  object: string;
  cause: string;
}

export interface GandiValidationIssue {
  location: 'body' | 'path' | 'querystring' | 'header' | string;
  name: string;
  description: string;
}

/** Input validation errors (400, and 415 for a wrong Content-Type). */
export interface GandiValidationError {
  status: 'error';
  errors: GandiValidationIssue[];
}

/**
 * One item of GET /v5/domain/domains/{domain}/dnskeys (paged: `page`, `per_page`; headers
 * Total-Count, Filtered-Count, optional Link). snake_case, all-lowercase `keytag`, integers;
 * Gandi computed keytag and digest itself from the public key it was given.
 */
export interface GandiDnskey {
  id: number;
  href?: string;
  algorithm: number;
  digest: string;
  digest_type: number;
  keytag: number;
  type: GandiKeyType;
  /** Optional: keys Gandi did not receive as a DNSKEY (e.g. brought in by a transfer) have none. */
  public_key?: string;
}

/** "ksk" = flags 257 (SEP), "zsk" = flags 256. */
export type GandiKeyType = 'none' | 'zsk' | 'ksk';

/** POST /v5/domain/domains/{domain}/dnskeys body (all required): the DNSKEY, not a DS. */
export interface GandiDnskeyCreate {
  algorithm: number;
  type: 'ksk' | 'zsk';
  public_key: string;
}

/** PUT /v5/domain/domains/{domain}/dnskeys body: replaces every key. */
export interface GandiDnskeysReplace {
  keys: GandiDnskeyCreate[];
}

// ---- Answer schemas (registrar-adapters/core/answer.ts parseAnswer).

/** GET .../nameservers: a bare array of host names (an error object is never one). */
export const NameserversAnswer = z.array(z.string());

/** GET .../dnskeys: a bare array of key objects; each key is read field by field afterwards. */
export const DnskeysAnswer = z.array(z.looseObject({ id: z.union([z.number(), z.string()]) }));

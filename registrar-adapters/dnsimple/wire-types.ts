import { z } from 'zod';

/** DNSimple API v2 wire shapes (https://developer.dnsimple.com/v2/registrar/delegation/; the dnsimple-developer repository's fixtures). */

/** Every success body: `{"data": ...}`. */
export interface DnsimpleEnvelope<T> {
  data: T;
}

export interface DnsimpleAccount {
  id: number;
  email: string;
  plan_identifier?: string;
  created_at?: string;
  updated_at?: string;
}

export interface DnsimpleUser {
  id: number;
  email: string;
  created_at?: string;
  updated_at?: string;
}

/** GET /v2/whoami: an account token names the account; a user token has `account: null`. */
export interface DnsimpleWhoami {
  user: DnsimpleUser | null;
  account: DnsimpleAccount | null;
}

/** GET /v2/{account}/domains/{domain} */
export interface DnsimpleDomain {
  id: number;
  account_id: number;
  registrant_id: number | null;
  name: string;
  unicode_name: string;
  /** `registered` for domains registered with DNSimple; `hosted` for DNS hosting only; others exist. */
  state: string;
  auto_renew: boolean;
  private_whois: boolean;
  expires_on: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * GET /v2/{account}/registrar/domains/{domain}/delegation -> DnsimpleEnvelope<string[]> (may be []).
 * PUT same path, body: a BARE JSON array of host names -> 200 DnsimpleEnvelope<string[]>.
 */
export type DnsimpleDelegation = string[];

/** Errors: `{"message": ...}`, plus `errors` (field -> messages) on validation failures. */
export interface DnsimpleError {
  message: string;
  errors?: Record<string, string[]>;
}

/**
 * A delegation signer record (GET/POST /v2/{account}/domains/{domain}/ds_records): every value a
 * STRING, `keytag` all lower case, snake_case `digest_type`; `public_key` only for TLDs that want
 * KEY data.
 */
export interface DnsimpleDsRecord {
  id: number;
  domain_id: number;
  algorithm: string;
  digest: string;
  digest_type: string;
  keytag: string;
  public_key: string | null;
  created_at: string;
  updated_at: string;
}

/** POST /v2/{account}/domains/{domain}/ds_records body -> 201 {"data": DnsimpleDsRecord}. */
export interface DnsimpleDsRecordCreate {
  algorithm: string;
  digest: string;
  digest_type: string;
  keytag: string;
  public_key?: string;
}

/** List answers: `{"data": [...], "pagination": {...}}` (`page`, `per_page` up to 100). */
export interface DnsimplePagination {
  current_page: number;
  per_page: number;
  total_entries: number;
  total_pages: number;
}

export interface DnsimpleList<T> {
  data: T[];
  pagination: DnsimplePagination;
}

// ---- Answer schemas (registrar-adapters/core/answer.ts parseAnswer): every success body is an
// envelope with `data`; an error ({"message"}) or any other object never has it.

/** GET/PUT /v2/{account}/registrar/domains/{domain}/delegation. */
export const DelegationAnswer = z.looseObject({ data: z.array(z.string()) });

/** GET /v2/whoami: `data.account` is null for a user token. */
export const WhoamiAnswer = z.looseObject({
  data: z
    .looseObject({ account: z.looseObject({ id: z.number() }).nullable().optional() })
    .refine((d) => 'account' in d, { message: 'has no "account" field' }),
});

/** GET /v2/{account}/domains/{domain}. */
export const DomainAnswer = z.looseObject({ data: z.looseObject({ state: z.string() }) });

/** GET /v2/{account}/domains/{domain}/ds_records: one page; each record is read field by field afterwards. */
export const DsListAnswer = z.looseObject({
  data: z.array(z.looseObject({ id: z.union([z.number(), z.string()]) })),
  pagination: z.looseObject({ total_pages: z.number().optional() }).optional(),
});

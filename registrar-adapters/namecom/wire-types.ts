import { z } from 'zod';

/**
 * Name.com API v4 wire shapes (www.name.com/api-docs, namedotcom/go namecom.go). Fields whose
 * value is the default (false, "", 0, empty list) are OMITTED from responses, so every field is
 * optional here.
 */

export interface NamecomContact {
  firstName?: string;
  lastName?: string;
  companyName?: string;
  address1?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  phone?: string;
  email?: string;
}

/** GET /v4/domains/{domainName}; also the answer to :setNameservers. */
export interface NamecomDomain {
  /** Punycode. */
  domainName?: string;
  nameservers?: string[];
  contacts?: { registrant?: NamecomContact; admin?: NamecomContact; tech?: NamecomContact; billing?: NamecomContact };
  privacyEnabled?: boolean;
  locked?: boolean;
  autorenewEnabled?: boolean;
  expireDate?: string;
  createDate?: string;
  renewalPrice?: number;
}

/** POST /v4/domains/{domainName}:setNameservers body. */
export interface NamecomSetNameserversRequest {
  nameservers: string[];
}

/** "Any non-200 response will return an ErrorMessage JSON response." */
export interface NamecomErrorMessage {
  message: string;
  details?: string;
}

/**
 * One DS record at the registry (namedotcom/go dnssecs.go): camelCase, integers except `digest`.
 * Like every Name.com answer, default values are left out (a keyTag of 0 is absent).
 */
export interface NamecomDnssec {
  domainName?: string;
  keyTag?: number;
  algorithm?: number;
  digestType?: number;
  /** Hex; also the record's identity in GET/DELETE /v4/domains/{domain}/dnssec/{digest}. */
  digest?: string;
}

/** POST /v4/domains/{domain}/dnssec body: every field, ints except digest. */
export interface NamecomDnssecCreate {
  domainName: string;
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: string;
}

/** GET /v4/domains/{domain}/dnssec?page=&perPage= (nextPage absent on the last page; dnssec absent when empty). */
export interface NamecomDnssecList {
  dnssec?: NamecomDnssec[];
  nextPage?: number;
  lastPage?: number;
}

// ---- Answer schemas (registrar-adapters/core/answer.ts parseAnswer). Default values are left out
// of every answer, so almost everything is optional; `domainName` (never empty) is what tells a
// Domain apart from an ErrorMessage or any other object.

/** GET /v4/domains/{domain} and the answer to :setNameservers. */
export const DomainAnswer = z.looseObject({
  domainName: z.string().min(1),
  nameservers: z.array(z.string()).optional(),
});

/** One DS record as listed; numbers left out when 0. */
const DnssecAnswer = z.looseObject({
  keyTag: z.number().int().optional(),
  algorithm: z.number().int().optional(),
  digestType: z.number().int().optional(),
  digest: z.string(),
});

/**
 * GET /v4/domains/{domain}/dnssec. Every field is left out when it has its default, so `{}` is a
 * valid empty page and no field identifies the answer: the object is STRICT (only the documented
 * fields, plus totalCount), so an ErrorMessage or any other object is refused, not read as "none".
 */
export const DnssecListAnswer = z.strictObject({
  dnssec: z.array(DnssecAnswer).optional(),
  nextPage: z.number().int().optional(),
  lastPage: z.number().int().optional(),
  totalCount: z.number().int().optional(),
});

/** GoDaddy wire shapes (swagger: DomainDetail, DomainUpdate, Error, ErrorLimit). */
import { z } from 'zod';

export interface GoDaddyDomainDetail {
  domain: string;
  domainId: number;
  status: string;
  locked?: boolean;
  nameServers?: string[];
  [key: string]: unknown;
}

export interface GoDaddyDomainUpdate {
  nameServers?: string[];
  locked?: boolean;
  renewAuto?: boolean;
  subaccountId?: string;
  exposeWhois?: boolean;
  exposeRegistrantOrganization?: boolean;
  consent?: unknown;
}

export interface GoDaddyErrorField {
  code: string;
  message?: string;
  path: string;
  pathRelated?: string;
}

export interface GoDaddyError {
  code: string;
  message?: string;
  fields?: GoDaddyErrorField[];
  /** Only on 429 (ErrorLimit). */
  retryAfterSec?: number;
}

/**
 * v2 DomainDnssec (swagger). Only `algorithm` is required by the schema; `algorithm`, `digestType`
 * and `flags` are enum NAMES (ECDSAP256SHA256, SHA256, KSK), never the IANA numbers.
 */
export interface GoDaddyDomainDnssec {
  algorithm: string;
  keyTag?: number;
  digestType?: string;
  digest?: string;
  flags?: 'KSK' | 'ZSK';
  publicKey?: string;
  maxSignatureLife?: number;
}

/** GET /v2/customers/{customerId}/domains/{domain}?includes=dnssecRecords (DomainDetailV2, the parts used). */
export interface GoDaddyDomainDetailV2 {
  domain: string;
  domainId?: number;
  status?: string;
  nameServers?: string[];
  dnssecRecords?: GoDaddyDomainDnssec[];
  [key: string]: unknown;
}

/** ActionReason: why an action ended as it did. */
export interface GoDaddyActionReason {
  code: string;
  message?: string;
  fields?: GoDaddyErrorField[];
}

export type GoDaddyActionStatus = 'ACCEPTED' | 'AWAITING' | 'CANCELLED' | 'FAILED' | 'PENDING' | 'SUCCESS';

/** GET /v2/customers/{customerId}/domains/{domain}/actions/{type} -> the most recent action of that type. */
export interface GoDaddyAction {
  type: string;
  origination: 'USER' | 'SYSTEM';
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  modifiedAt?: string;
  status: GoDaddyActionStatus;
  reason?: GoDaddyActionReason;
  /** The X-Request-Id the client sent with the request that started the action. */
  requestId?: string;
}

/** GET /v1/shoppers/{shopperId}?includes=customerId (Shopper, the parts used). */
export interface GoDaddyShopper {
  shopperId: string;
  customerId?: string;
  email?: string;
  nameFirst?: string;
  nameLast?: string;
  [key: string]: unknown;
}

// ---- Answer schemas (registrar-adapters/core/answer.ts parseAnswer): the fields nsbridge reads,
// and `domain`, which every DomainDetail has and no error envelope does.

/**
 * GET /v1/domains/{domain} (DomainDetail). `nameServers` may be left out for a domain on GoDaddy's
 * default DNS: that is an empty set, but only in an answer that is a DomainDetail.
 */
export const DomainDetailAnswer = z.looseObject({
  domain: z.string().min(1),
  nameServers: z.array(z.string()).nullish(),
});

/** GET /v1/domains?includes=nameServers: a page of DomainSummary, each with its name servers. */
export const DomainListAnswer = z.array(DomainDetailAnswer);

const DnssecRecordAnswer = z.looseObject({
  algorithm: z.string(),
  keyTag: z.number().int().optional(),
  digestType: z.string().optional(),
  digest: z.string().optional(),
  flags: z.enum(['KSK', 'ZSK']).optional(),
  publicKey: z.string().optional(),
  maxSignatureLife: z.number().optional(),
});

/** GET /v2/customers/{customerId}/domains/{domain}?includes=dnssecRecords (DomainDetailV2). */
export const DomainDetailV2Answer = z.looseObject({
  domain: z.string().min(1),
  dnssecRecords: z.array(DnssecRecordAnswer).optional(),
});

/** GET .../actions/{type} (Action). */
export const ActionAnswer = z.looseObject({
  type: z.string(),
  // A string, not the enum: an unknown status gets its own message in the poll loop.
  status: z.string(),
  requestId: z.string().optional(),
  reason: z
    .looseObject({
      code: z.string(),
      message: z.string().optional(),
      fields: z.array(z.looseObject({ code: z.string(), message: z.string().optional(), path: z.string() })).optional(),
    })
    .optional(),
});

/** GET /v1/shoppers/{shopperId}?includes=customerId (Shopper). */
export const ShopperAnswer = z.looseObject({
  shopperId: z.string(),
  customerId: z.string().optional(),
});

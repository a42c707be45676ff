/** GoDaddy wire shapes (swagger: DomainDetail, DomainUpdate, Error, ErrorLimit). */
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

import { z } from 'zod';

/**
 * Route 53 Domains wire shapes (AWS JSON 1.1, API version 2014-05-15), as botocore's
 * service-2.json and the AWS SDK v3 schemas define them. Member names are PascalCase except the
 * error envelope's `message`. Timestamps travel as epoch seconds. Only the members nsbridge or its
 * emulator use are listed; the adapter itself talks through the SDK's typed commands.
 */

/** `X-Amz-Target: Route53Domains_v20140515.<Operation>` */
export const TARGET_PREFIX = 'Route53Domains_v20140515.';
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
/** SigV4 credential scope: the API exists only in us-east-1. */
export const SIGNING_REGION = 'us-east-1';
export const SIGNING_SERVICE = 'route53domains';

export interface Nameserver {
  /** Required; max 255; pattern `[a-zA-Z0-9_\-.]*`. */
  Name: string;
  /** Only for hosts inside the domain itself (glue): at most one IPv4 and one IPv6. */
  GlueIps?: string[];
}

export interface GetDomainDetailRequest {
  DomainName: string;
}

export interface GetDomainDetailResponse {
  DomainName: string;
  Nameservers: Nameserver[];
  AutoRenew?: boolean;
  AdminPrivacy?: boolean;
  RegistrantPrivacy?: boolean;
  TechPrivacy?: boolean;
  RegistrarName?: string;
  WhoIsServer?: string;
  RegistrarUrl?: string;
  CreationDate?: number;
  UpdatedDate?: number;
  ExpirationDate?: number;
  StatusList?: string[];
  DnssecKeys?: DnssecKey[];
  [key: string]: unknown;
}

export interface UpdateDomainNameserversRequest {
  DomainName: string;
  Nameservers: Nameserver[];
  /** Deprecated; .fi only. */
  FIAuthKey?: string;
}

export interface UpdateDomainNameserversResponse {
  OperationId: string;
}

export type OperationStatus = 'SUBMITTED' | 'IN_PROGRESS' | 'ERROR' | 'SUCCESSFUL' | 'FAILED';

export type StatusFlag =
  | 'PENDING_ACCEPTANCE'
  | 'PENDING_CUSTOMER_ACTION'
  | 'PENDING_AUTHORIZATION'
  | 'PENDING_PAYMENT_VERIFICATION'
  | 'PENDING_SUPPORT_CASE';

export interface GetOperationDetailRequest {
  OperationId: string;
}

export interface GetOperationDetailResponse {
  OperationId: string;
  Status: OperationStatus;
  Message?: string;
  DomainName?: string;
  Type?: string;
  SubmittedDate?: number;
  LastUpdatedDate?: number;
  StatusFlag?: StatusFlag;
}

export interface ListOperationsRequest {
  SubmittedSince?: number;
  Marker?: string;
  MaxItems?: number;
  Status?: OperationStatus[];
  Type?: string[];
  SortBy?: 'SubmittedDate';
  SortOrder?: 'ASC' | 'DESC';
}

export interface OperationSummary {
  OperationId: string;
  Status: OperationStatus;
  Type: string;
  SubmittedDate: number;
  DomainName?: string;
  Message?: string;
  StatusFlag?: StatusFlag;
  LastUpdatedDate?: number;
}

export interface ListOperationsResponse {
  Operations: OperationSummary[];
  NextPageMarker?: string;
}

/** A DS record at the registry, as GetDomainDetail lists it (AWS computed the DS from the key). */
export interface DnssecKey {
  Algorithm?: number;
  /** 257 (KSK) or 256 (ZSK); absent for a DS that did not come from a DNSKEY. */
  Flags?: number;
  PublicKey?: string;
  DigestType?: number;
  Digest?: string;
  KeyTag?: number;
  /** What DisassociateDelegationSignerFromDomain takes. */
  Id?: string;
}

/** AssociateDelegationSignerToDomain input: the DNSKEY, not a DS -> {OperationId} (ADD_DNSSEC). */
export interface AssociateDelegationSignerToDomainRequest {
  DomainName: string;
  SigningAttributes: { Algorithm: number; Flags: number; PublicKey: string };
}

/** DisassociateDelegationSignerFromDomain input -> {OperationId} (REMOVE_DNSSEC). */
export interface DisassociateDelegationSignerFromDomainRequest {
  DomainName: string;
  Id: string;
}

/** Every AWS JSON error: HTTP 4xx/5xx, header `x-amzn-RequestId`. */
export interface AwsJsonError {
  __type: string;
  message: string;
  /** DuplicateRequest carries the id of the request already in progress. */
  requestId?: string;
}

// ---- Answer schemas (registrar-adapters/core/answer.ts parseAnswer). The SDK deserialises any
// 2xx JSON into the output shape, leaving out what is missing, so an error body or another
// object would read as "no name servers": `DomainName`, in every GetDomainDetail answer, tells them apart.

/** GetDomainDetail (the parts used). */
export const DomainDetailAnswer = z.looseObject({
  DomainName: z.string().min(1),
  Nameservers: z.array(z.looseObject({ Name: z.string() })).optional(),
  DnssecKeys: z.array(z.looseObject({})).optional(),
});

/** GetOperationDetail (the parts used). */
export const OperationDetailAnswer = z.looseObject({
  Status: z.string(),
  Message: z.string().optional(),
  StatusFlag: z.string().optional(),
});

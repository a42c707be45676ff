/**
 * INWX DomRobot JSON-RPC wire shapes (https://www.inwx.com/en/help/apidoc , the official
 * terraform provider https://github.com/inwx/terraform-provider-inwx and goinwx
 * https://github.com/nrdcg/goinwx), as zod schemas parsed before any answer is used.
 * Every answer is HTTP 200 {code, msg, resData?, reason?, reasonCode?, svTRID, runtime}.
 */
import { z } from 'zod';

export interface RpcRequest {
  method: string;
  params: Record<string, unknown>;
}

export const Envelope = z.object({
  code: z.number().int(),
  msg: z.string(),
  resData: z.unknown().optional(),
  reason: z.string().optional(),
  reasonCode: z.string().optional(),
  svTRID: z.string().optional(),
  runtime: z.number().optional(),
});
export type Envelope = z.infer<typeof Envelope>;

/** account.login resData: `tfa` is "0" without two-factor login, "GOOGLE-AUTH" with it. */
export const LoginData = z.object({
  tfa: z.union([z.string(), z.number()]).optional(),
  customerId: z.union([z.string(), z.number()]).optional(),
  accountId: z.union([z.string(), z.number()]).optional(),
});

/** domain.info resData (the parts used): `ns` is an array of host names without trailing dots. */
export const DomainInfo = z.object({
  domain: z.string(),
  'domain-ace': z.string().optional(),
  ns: z.array(z.string()),
  status: z.string().optional(),
});

/** Numbers in dnssec.listkeys arrive as strings (terraform provider) or numbers (goinwx). */
const int = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

export const ListedKey = z.object({
  id: int,
  ownerName: z.string().optional(),
  keyTag: int,
  flagId: int.optional(),
  algorithmId: int,
  publicKey: z.string().optional().nullable(),
  digestTypeId: int,
  digest: z.string(),
  status: z.string().optional(),
  active: z.union([z.number(), z.string(), z.boolean()]).optional(),
});
export type ListedKey = z.infer<typeof ListedKey>;

/**
 * dnssec.listkeys resData. Shape conflict: the official terraform provider reads resData as the
 * array itself, goinwx expects {dnskey: [...]}; both are read (and no resData means no keys).
 */
export const ListKeysData = z.union([z.array(ListedKey), z.object({ dnskey: z.array(ListedKey).optional() }).transform((o) => o.dnskey ?? [])]);

/** dnssec.adddnskey resData: the key and the DS INWX holds, as presentation strings. */
export const AddKeyData = z.object({ dnskey: z.string().optional(), ds: z.string().optional() }).optional();

/** Result codes (EPP scheme). */
export const CODE = {
  OK: 1000,
  PENDING: 1001,
  AUTH_ERROR: 2200,
  OBJECT_DOES_NOT_EXIST: 2303,
  /** EPP "Session limit exceeded; server closing connection": INWX's throttle answer (UNCONFIRMED). */
  SESSION_LIMIT: 2502,
} as const;

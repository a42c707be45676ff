/**
 * NameSilo API wire shapes (https://www.namesilo.com/api-reference), shared by the adapter and the
 * emulator. Every operation is a GET of /api/{operation} with version=1, type=json and key=K in
 * the query; every answer is HTTP 200 with the outcome in reply.code:
 *   {"request":{"operation":"getDomainInfo","ip":"1.2.3.4"},"reply":{"code":300,"detail":"success",...}}
 * 300 success (301/302: success with a caveat, registration only); anything else is an error.
 * JSON is NameSilo's rendering of its XML, so a list of one may come as a bare object and a
 * number as a string (both UNCONFIRMED): the schemas accept either.
 */
import { z } from 'zod';

export const API_PREFIX = '/api';
export const MAX_NAMESERVERS = 13;

export type Operation = 'getDomainInfo' | 'changeNameServers' | 'dnsSecListRecords' | 'dnsSecAddRecord' | 'dnsSecDeleteRecord';

const code = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
const text = z.union([z.string(), z.number().transform(String)]);
/** XML-to-JSON: one element is an object, several are a list. */
const oneOrMany = <T extends z.ZodType>(item: T) => z.union([z.array(item), item.transform((v) => [v])]);

export const envelopeSchema = z.object({
  request: z.object({ operation: z.string().optional(), ip: z.string().optional() }).optional(),
  reply: z.looseObject({ code, detail: z.string().optional() }),
});

/** A name server entry: `{"position":1,"nameserver":"NS1.EXAMPLE.NET"}` or a bare host name. */
const nameServerEntry = z.union([
  z.string().min(1).transform((host) => ({ position: undefined as number | undefined, host })),
  z.object({ position: code.optional(), nameserver: z.string().min(1) }).transform((e) => ({ position: e.position as number | undefined, host: e.nameserver })),
]);

/** getDomainInfo: `nameservers` is required; either a list, or `{nameserver: one or many}`. */
export const domainInfoSchema = z.object({
  reply: z.looseObject({
    nameservers: z.union([oneOrMany(nameServerEntry), z.object({ nameserver: oneOrMany(nameServerEntry) }).transform((o) => o.nameserver)]),
  }),
});

/** dnsSecListRecords: `ds_record` entries, all fields text; absent when the domain has none. */
const dsRecord = z.object({ digest: z.string(), digest_type: text, algorithm: text, key_tag: text });
export const dsListSchema = z.object({
  reply: z.looseObject({ ds_record: oneOrMany(dsRecord).optional() }),
});

export type NameSiloDsRecord = z.infer<typeof dsRecord>;

/** dnsSecAddRecord / dnsSecDeleteRecord parameters: camelCase, `alg` (not `algorithm`). */
export interface NameSiloDsParams {
  domain: string;
  digest: string;
  keyTag: string;
  digestType: string;
  alg: string;
}

/** Reply codes nsbridge acts on (UNCONFIRMED beyond 200 and 300-302: community lists). */
export const CODE = {
  SUCCESS: 300,
  SUCCESS_DEFAULT_NS: 301,
  SUCCESS_DEFAULT_CONTACT: 302,
  NOT_ACTIVE_OR_NOT_YOURS: 200,
  INVALID_KEY: 110,
  IP_NOT_ALLOWED: 113,
} as const;

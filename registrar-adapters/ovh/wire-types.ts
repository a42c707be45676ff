/**
 * OVHcloud API v1 ("/1.0") wire shapes, as zod schemas parsed before any answer is used.
 * Sources: the API schema (https://eu.api.ovh.com/console/ , models domain.Domain,
 * domain.CurrentNameServer, domain.Task, domain.DnssecKey), go-ovh (https://github.com/ovh/go-ovh)
 * for the error bodies and /auth/time.
 */
import { z } from 'zod';

/** GET /1.0/auth/time: a bare integer, the server's unix time in seconds. */
export const AuthTime = z.number().int().positive();

/** GET /1.0/domain/{serviceName}/nameServer and .../dsRecord: ids only. */
export const IdList = z.array(z.number().int());

/** GET /1.0/domain/{serviceName}/nameServer/{id} (domain.CurrentNameServer). */
export const CurrentNameServer = z.object({
  id: z.number().int(),
  host: z.string().min(1),
  ip: z.string().nullable().optional(),
  isUsed: z.boolean().optional(),
  /** A removal still pending in a DomainDnsUpdate task: the server is on its way out. */
  toDelete: z.boolean().optional(),
});
export type CurrentNameServer = z.infer<typeof CurrentNameServer>;

/** GET /1.0/domain/{serviceName} (domain.Domain, the parts used). */
export const DomainDetail = z.object({
  domain: z.string().optional(),
  nameServerType: z.enum(['hosted', 'external']),
  dnssecSupported: z.boolean().optional(),
  hostSupported: z.boolean().optional(),
});
export type DomainDetail = z.infer<typeof DomainDetail>;

export const TASK_STATUSES = ['cancelled', 'doing', 'done', 'error', 'todo'] as const;

/** domain.Task: what nameServers/update and dsRecord answer, and what the task poll returns. */
export const Task = z.object({
  id: z.number().int(),
  function: z.string(),
  status: z.enum(TASK_STATUSES),
  comment: z.string().nullable().optional(),
  creationDate: z.string().optional(),
  todoDate: z.string().nullable().optional(),
  lastUpdate: z.string().nullable().optional(),
  doneDate: z.string().nullable().optional(),
  canCancel: z.boolean().optional(),
  canRelaunch: z.boolean().optional(),
  canAccelerate: z.boolean().optional(),
});
export type Task = z.infer<typeof Task>;

/** domain.DnssecKey (GET .../dsRecord/{id}): the DNSKEY OVH holds, not a DS. */
export const DnssecKey = z.object({
  id: z.number().int(),
  algorithm: z.number().int(),
  flags: z.number().int(),
  publicKey: z.string().min(1),
  tag: z.number().int(),
  status: z.string().optional(),
});
export type DnssecKey = z.infer<typeof DnssecKey>;

/** dnssec.Key: one entry of the POST .../dsRecord body {"keys": [...]}, which replaces them all. */
export interface DnssecKeyInput {
  algorithm: number;
  flags: number;
  publicKey: string;
  tag: number;
}

/** domain.DomainNs: one entry of the POST .../nameServers/update body {"nameServers": [...]}. */
export interface DomainNs {
  host: string;
  ip?: string;
}

/** API errors: {"class": "Client::NotFound", "message": "...", "details"?: {...}}. */
export const ApiError = z.object({ class: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() });
/** Authentication errors: {"errorCode": "INVALID_CREDENTIAL", "httpCode": "403 Forbidden", "message": "..."}. */
export const AuthError = z.object({ errorCode: z.string(), httpCode: z.string().optional(), message: z.string() });

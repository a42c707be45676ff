/**
 * Joker.com DMAPI reply shape (https://dmapi.joker.com/docs/DMAPI-ext.txt ,
 * https://joker.com/faq/books/reseller-documentation-en/chapter/dmapi): a plain-text message,
 * MIME-like "Key: value" header lines, an empty line, then the body. Common headers:
 * Tracking-Id, Status-Code (0, or 1000-1999, is success), Status-Text, Result (ACK/NACK),
 * Proc-ID (changes), Error (only when the request was rejected; may repeat), Warning,
 * Auth-Sid (login), Completion-Status (result-retrieve: ack, nack or ?).
 */
import { z } from 'zod';

export interface DmapiReply {
  /** Header names lower-cased; a name may repeat (Error, Warning). */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
}

/** The headers every reply nsbridge acts on must have, checked before use. */
export const ReplyHeaders = z.object({
  'status-code': z.string().regex(/^\d+$/, 'Status-Code must be a number'),
  'status-text': z.string().optional(),
  result: z.enum(['ACK', 'NACK', 'ack', 'nack']).optional(),
  'tracking-id': z.string().optional(),
  'proc-id': z.string().optional(),
  'auth-sid': z.string().optional(),
  'completion-status': z.string().optional(),
});
export type ReplyHeaders = z.infer<typeof ReplyHeaders>;

/** query-whois: the name servers are `domain.nservers.nserver.handle` lines (one per server, after a `.no` line). */
export const NameServerHandles = z.array(z.string().min(1)).min(1, 'no domain.nservers.nserver.handle line');

export const STATUS = {
  OK: 0,
  /** EPP-style codes Joker uses (UNCONFIRMED which ones exactly; see the emulator). */
  AUTH_ERROR: 2200,
  AUTHORIZATION_ERROR: 2201,
  OBJECT_DOES_NOT_EXIST: 2303,
  SESSION_LIMIT: 2502,
} as const;

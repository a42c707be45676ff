/**
 * easyname answer shapes, as zod schemas checked before use. Every answer has the envelope
 * {status:{type, code, message}, timestamp, signature, data}.
 */
import { z } from 'zod';

export const Status = z.looseObject({
  type: z.string(),
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});

/** Any answer: at least the status, to tell success from an error inside HTTP 200. */
export const Envelope = z.looseObject({ status: Status });

/** One domain of GET /domain; unused name-server fields are "" or null. */
export const Domain = z.looseObject({
  id: z.union([z.number().int(), z.string().regex(/^\d+$/)]),
  domain: z.string().min(1),
  nameserver1: z.string().nullish(),
  nameserver2: z.string().nullish(),
  nameserver3: z.string().nullish(),
  nameserver4: z.string().nullish(),
  nameserver5: z.string().nullish(),
  nameserver6: z.string().nullish(),
});
export type Domain = z.infer<typeof Domain>;

export const DomainList = z.looseObject({ status: Status, data: z.array(Domain) });

export const NAME_SERVER_FIELDS = ['nameserver1', 'nameserver2', 'nameserver3', 'nameserver4', 'nameserver5', 'nameserver6'] as const;

/** POST /domain/{id}/nameserverchange body. */
export interface NameServerChange {
  data: Partial<Record<(typeof NAME_SERVER_FIELDS)[number], string>>;
  timestamp: number;
  signature: string;
}

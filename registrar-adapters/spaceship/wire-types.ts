/**
 * Spaceship shapes (https://docs.spaceship.dev/; go-acme/lego providers/dns/spaceship/internal),
 * as zod schemas checked before use.
 */
import { z } from 'zod';

/** The most hosts PUT .../nameservers takes (and the fewest). */
export const MAX_HOSTS = 12;
export const MIN_HOSTS = 2;

/** GET /api/v1/domains/{domain}: the parts nsbridge reads. */
export const domainSchema = z.object({
  name: z.string(),
  unicodeName: z.string().optional(),
  nameservers: z.object({
    provider: z.enum(['basic', 'custom']),
    // Absent for provider "basic" (UNCONFIRMED whether it is ever listed); required for "custom" below.
    hosts: z.array(z.string().min(1)).optional(),
  }),
});
export type SpaceshipDomain = z.infer<typeof domainSchema>;

/** PUT /api/v1/domains/{domain}/nameservers body. */
export interface SpaceshipNameServersUpdate {
  provider: 'custom';
  hosts: string[];
}

/** Error bodies: {detail, data: [{field, details}]} (lego fixtures/error.json). */
export const errorSchema = z.object({
  detail: z.string(),
  data: z.array(z.object({ field: z.string().optional(), details: z.string().optional() })).optional(),
});

// TEMPORARY placeholder while the route53domains adapter is being written (replaced in this same change set).
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { UsageError } from '../core/errors';

export const adapter: RegistrarAdapter = {
  info,
  createClient() {
    throw new UsageError('route53domains: adapter not written yet');
  },
};

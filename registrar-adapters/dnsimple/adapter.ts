// TEMPORARY placeholder while the dnsimple adapter is being written (replaced in this same change set).
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { UsageError } from '../core/errors';

export const adapter: RegistrarAdapter = {
  info,
  createClient() {
    throw new UsageError('dnsimple: adapter not written yet');
  },
};

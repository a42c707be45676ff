// TEMPORARY placeholder while the namecom adapter is being written (replaced in this same change set).
import type { RegistrarAdapter } from '../core/types';
import { info } from './info';
import { UsageError } from '../core/errors';

export const adapter: RegistrarAdapter = {
  info,
  createClient() {
    throw new UsageError('namecom: adapter not written yet');
  },
};

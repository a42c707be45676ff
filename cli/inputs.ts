/** Parsing and checking CLI input, before anything is sent anywhere (exit 2 on failure). */
import { InvalidNameError, normalizeDomainName, normalizeNameServers, splitList } from '../core/names';
import { isRegistrarId, REGISTRAR_IDS } from '../registrar-adapters/catalog';
import type { RegistrarId } from '../registrar-adapters/core/types';
import { UsageError } from '../core/errors';

export function parseRegistrar(value: string | undefined): RegistrarId {
  if (!value) throw new UsageError(`--registrar is required (one of ${REGISTRAR_IDS.join(', ')})`);
  const v = value.trim().toLowerCase();
  if (!isRegistrarId(v)) throw new UsageError(`unknown registrar "${value}"; known registrars: ${REGISTRAR_IDS.join(', ')}`);
  return v;
}

export function parseDomain(value: string | undefined): string {
  if (!value) throw new UsageError('--domain is required');
  try {
    return normalizeDomainName(value);
  } catch (e) {
    if (e instanceof InvalidNameError) throw new UsageError(e.message);
    throw e;
  }
}

export function parseNameServers(value: string | undefined, flag = '--ns'): string[] {
  if (value === undefined) throw new UsageError(`${flag} is required: a comma-separated list of 2 to 13 name servers`);
  try {
    return normalizeNameServers(splitList(value));
  } catch (e) {
    if (e instanceof InvalidNameError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}

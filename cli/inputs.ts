/** Parsing and checking CLI input, before anything is sent anywhere (exit 2 on failure). */
import { InvalidNameError, mappingNotice, normalizeDomainName, normalizeNameServers, splitList } from '../core/names';
import { isRegistrarId, REGISTRAR_IDS } from '../registrar-adapters/catalog';
import type { RegistrarId } from '../registrar-adapters/core/types';
import { UsageError } from '../core/errors';
import { quoteInput } from '../core/quote';

/** Where a parser reports a silent IDNA mapping (the CLI's Output.log). */
export type Notify = (message: string) => void;

export function parseRegistrar(value: string | undefined): RegistrarId {
  if (!value) throw new UsageError(`--registrar is required (one of ${REGISTRAR_IDS.join(', ')})`);
  const v = value.trim().toLowerCase();
  if (!isRegistrarId(v)) throw new UsageError(`unknown registrar ${quoteInput(value)}; known registrars: ${REGISTRAR_IDS.join(', ')}`);
  return v;
}

/**
 * The domain in canonical ASCII form. When UTS #46 mapping changed it beyond case (full-width
 * letters, an ignored soft hyphen), `notify` gets a WARNING naming the domain actually used.
 */
export function parseDomain(value: string | undefined, notify?: Notify): string {
  if (!value) throw new UsageError('--domain is required');
  let domain: string;
  try {
    domain = normalizeDomainName(value);
  } catch (e) {
    if (e instanceof InvalidNameError) throw new UsageError(e.message);
    throw e;
  }
  const notice = mappingNotice(value);
  if (notice) notify?.(`WARNING: ${notice}`);
  return domain;
}

export function parseNameServers(value: string | undefined, flag = '--ns', notify?: Notify): string[] {
  if (value === undefined) throw new UsageError(`${flag} is required: a comma-separated list of 2 to 13 name servers`);
  const list = splitList(value);
  let result: string[];
  try {
    result = normalizeNameServers(list);
  } catch (e) {
    if (e instanceof InvalidNameError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
  for (const raw of list) {
    const notice = mappingNotice(raw, 'name server');
    if (notice) notify?.(`WARNING: ${notice}`);
  }
  return result;
}

/**
 * What the plan-time DNSSEC read (`nsbridge terraform-external` with `mode: dnssec`) answers, for
 * the roll-out state kept in Terraform (modules/dnssec-rollout.ts): flat strings, because the
 * `external` data source takes only a map of strings. DS records are "<tag> <alg> <type> <DIGEST>"
 * (digest upper-case, as the construct compares them), comma-separated.
 *
 * Conservative when DNS cannot be read: a parent server that did not answer confirms nothing
 * (`parent_ds_all` is empty) and may still serve anything (`parent_ds_any` holds UNREADABLE, which
 * the construct treats as "the old DS may still be served").
 */
import { DnssecRecord, DsRecord, DsView, formatDs } from './dnssec';
import { UNREADABLE } from './dnssec-read-protocol';

export { UNREADABLE };

const normal = (d: DsRecord): string => formatDs({ ...d, digest: d.digest.toUpperCase() });
const list = (ds: Iterable<string>): string => [...new Set(ds)].sort().join(',');

export interface DnssecObservation {
  readonly registrar_ds: string;
  readonly parent_ds_all: string;
  readonly parent_ds_any: string;
  /** The longest DS TTL a parent server gave (seconds), "" when none serves a DS. */
  readonly parent_ds_ttl: string;
  /** The longest DNSKEY TTL the name servers gave (seconds), "" when unknown. */
  readonly dnskey_ttl: string;
  /** What could not be read, for people ("" when everything was). */
  readonly unreadable: string;
}

export function dnssecObservation(held: readonly DnssecRecord[], views: readonly DsView[], dnskeyTtl: number | undefined): DnssecObservation {
  const ok = views.flatMap((v) => (v.ok ? [v] : []));
  const failed = views.filter((v) => !v.ok).map((v) => (v.ok ? '' : `${v.server}: ${v.problem}`));
  const served = ok.map((v) => new Set(v.ds.map(normal)));
  const everyone = views.length > 0 && failed.length === 0 ? [...(served[0] ?? [])].filter((d) => served.every((s) => s.has(d))) : [];
  const anyone = served.flatMap((s) => [...s]);
  if (failed.length > 0 || views.length === 0) anyone.push(UNREADABLE);
  const ttls = ok.flatMap((v) => (v.ds.length && v.ttl !== undefined ? [v.ttl] : []));
  return {
    registrar_ds: list(held.map((r) => normal(r.ds))),
    parent_ds_all: list(everyone),
    parent_ds_any: list(anyone),
    parent_ds_ttl: ttls.length ? String(Math.max(...ttls)) : '',
    dnskey_ttl: dnskeyTtl === undefined ? '' : String(dnskeyTtl),
    unreadable: views.length === 0 ? 'no parent-zone server found' : failed.join('; '),
  };
}

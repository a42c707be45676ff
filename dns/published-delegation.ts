/**
 * The delegation a domain has as the parent zone publishes it (`delegationSource: dns`): read from
 * the parent's authoritative servers, with no registrar request and no credentials. What a
 * registrar accepted reaches the registry's servers within minutes; that is what the rest of the
 * Internet follows, so it is also what drift means in this mode.
 *
 * Several parent servers may disagree while a change propagates. Then:
 *  - `expected` held by ANY of them counts as in sync (a change nsbridge just made is still
 *    spreading; a false "drift" would replace the bridge and write again for nothing);
 *  - the name servers reported are the answer most servers give.
 * No parent server answering is `ok: false` with the reason (the domain is blocked, not the plan).
 */
import { canonicalNameServers, sameNameServers } from '../core/names';
import type { DnsConfig } from './config';
import { describeView, findParentZone, parentViews } from './delegation';

export type PublishedDelegation =
  | { readonly ok: true; readonly nameServers: string[]; readonly views: string[][]; readonly inSync?: boolean; readonly parentZone: string }
  | { readonly ok: false; readonly reason: string };

export async function readPublishedDelegation(domain: string, config: DnsConfig, expected?: readonly string[]): Promise<PublishedDelegation> {
  let parent;
  try {
    parent = await findParentZone(domain, config);
  } catch (err) {
    return { ok: false, reason: `the parent zone of ${domain} could not be found in DNS: ${(err as Error).message}` };
  }
  const views = await parentViews(domain, parent, config);
  const answers = views.flatMap((v) => (v.ok ? [canonicalNameServers(v.nameServers)] : []));
  if (answers.length === 0) {
    return { ok: false, reason: `no server of ${parent.zone} answered for ${domain} (${views.map(describeView).join('; ')}); check the resolver (NSBRIDGE_DNS_SERVER) and try again` };
  }
  const counts = new Map<string, { ns: string[]; n: number }>();
  for (const ns of answers) {
    const key = ns.join(',');
    counts.set(key, { ns, n: (counts.get(key)?.n ?? 0) + 1 });
  }
  const common = [...counts.values()].sort((a, b) => b.n - a.n)[0]!.ns;
  const distinct = [...counts.values()].map((c) => c.ns);
  if (!expected) return { ok: true, nameServers: common, views: distinct, parentZone: parent.zone };
  const inSync = answers.some((ns) => sameNameServers(ns, expected));
  return { ok: true, nameServers: inSync ? canonicalNameServers([...expected]) : common, views: distinct, inSync, parentZone: parent.zone };
}

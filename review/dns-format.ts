/**
 * The DNS review of a saved plan in three formats: a terminal table, one Markdown pull-request
 * comment (collapsible per domain, within GitHub's comment limit), and versioned JSON
 * (docs/plan-review.md).
 */
import type { ReportFormat } from './format';
import { MARKDOWN_MARKER } from './format';
import type { DomainReview, PlanReview, RecordChange, RecordSet } from './dns-review';

/** GitHub refuses a comment body over 65,536 characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

const quote = (v: string) => (/[\s,"]/.test(v) && !v.startsWith('alias ') ? JSON.stringify(v) : v);
const ttlOf = (s: RecordSet) => (s.ttl === undefined ? '(ttl known after apply)' : s.ttl === null ? '' : String(s.ttl));
const valuesOf = (s: RecordSet) => (s.values === undefined ? '(known after apply)' : s.values.length ? s.values.map(quote).join(', ') : '(none)');
const setOf = (s: RecordSet) => [ttlOf(s), valuesOf(s)].filter(Boolean).join(' ');
const ident = (s: RecordSet) => `${s.type} ${s.name}${s.setIdentifier ? ` [${s.setIdentifier}]` : ''}`;
const ns = (l: string[] | undefined, unknown: string) => (l ? (l.length ? l.join(', ') : '(none)') : unknown);

/** One record change in DNS terms: `+ A www.example.com 300 192.0.2.10`. */
export function recordLine(r: RecordChange): string {
  if (r.change === 'add') return `+ ${ident(r.after!)} ${setOf(r.after!)}`;
  if (r.change === 'remove') return `- ${ident(r.before!)} ${setOf(r.before!)}`;
  return `~ ${ident(r.after!)} ${setOf(r.before!)} -> ${setOf(r.after!)}`;
}

/** The lines of one domain's section (no header). */
export function domainLines(d: DomainReview): string[] {
  const out: string[] = [];
  for (const w of d.warnings) out.push(`!! ${w}`);
  if (d.zone) {
    const z = d.zone;
    const word = { create: 'created', replace: 'REPLACED', delete: 'DELETED', update: `updated (${(z.attributes ?? []).join(', ')})` }[z.change];
    out.push(`${z.change === 'create' ? '+' : z.change === 'delete' ? '-' : '~'} zone ${d.domain} ${word}`);
  }
  for (const r of d.records) out.push(recordLine(r));
  const g = d.delegation;
  if (g) {
    if (g.change === 'release') out.push(`~ delegation at ${g.registrar}: release, policy ${g.policy}: ${ns(g.current, '?')} -> ${g.desired ? ns(g.desired, '') : g.policy === 'retain' ? '(left as is)' : '(unchanged)'}`);
    else if (g.change === 'remove') out.push(`- delegation bridge at ${g.registrar} (registrar untouched)`);
    else if (g.change === 'repair') out.push(`~ delegation at ${g.registrar} (DRIFT REPAIR): set again to ${ns(g.desired, '?')}`);
    else out.push(`~ delegation at ${g.registrar}: ${ns(g.current, '(not set by nsbridge yet)')} -> ${ns(g.desired, '(the new zone\'s name servers, known after apply)')}`);
    out.push(`  ${g.reason}`);
  }
  for (const s of d.dnssec) out.push(`~ DNSSEC ${s.change}: ${s.what}`);
  return out;
}

function headline(d: DomainReview): string {
  const parts: string[] = [];
  if (d.zone) parts.push(`zone ${d.zone.change === 'create' ? 'created' : d.zone.change === 'replace' ? 'REPLACED' : d.zone.change === 'delete' ? 'DELETED' : 'updated'}`);
  const n = (c: RecordChange['change']) => d.records.filter((r) => r.change === c).length;
  if (d.records.length) parts.push(`records +${n('add')} ~${n('change')} -${n('remove')}`);
  if (d.delegation) parts.push(d.delegation.change === 'repair' ? 'delegation DRIFT REPAIR' : `delegation ${d.delegation.change}`);
  if (d.dnssec.length) parts.push(`DNSSEC ${d.dnssec.length} change(s)`);
  return parts.join(', ');
}

export function summaryLine(r: PlanReview): string {
  const s = r.summary;
  if (s.domains === 0 && s.other === 0) return 'No changes: this plan changes no DNS and nothing else.';
  return (
    `${s.domains} domain(s) change: zones ${s.zonesCreated} created, ${s.zonesReplaced} replaced, ${s.zonesDeleted} deleted, ${s.zonesUpdated} updated; ` +
    `records ${s.recordsAdded} added, ${s.recordsChanged} changed, ${s.recordsRemoved} removed; ` +
    `delegations ${s.delegations} to set, ${s.driftRepairs} drift repair(s), ${s.releases} release(s); DNSSEC ${s.dnssec}; other ${s.other}` +
    (s.warnings ? `; ${s.warnings} WARNING(S)` : '')
  );
}

export function formatReviewTable(r: PlanReview): string {
  const out = [summaryLine(r), ''];
  for (const w of r.warnings) out.push(`WARNING: ${w}`);
  if (r.warnings.length) out.push('');
  for (const d of r.domains) out.push(`${d.domain}: ${headline(d)}`, ...domainLines(d).map((l) => `  ${l}`), '');
  if (r.other.length) out.push('Other changes (not DNS):', ...r.other.map((o) => `  ${o.change} ${o.address}`), '');
  return `${out.join('\n')}\n`;
}

export function formatReviewJson(r: PlanReview): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Content of a fenced block: a fence inside a TXT value must not close it. */
const fenceSafe = (s: string) => s.replace(/```/g, '`\u200b``');

/**
 * One sticky pull-request comment: the marker, a summary with counts, the loud flags, one
 * collapsible section per domain (a `diff` block in DNS terms), then what is not DNS. Over `limit`
 * characters, domains are left out from the end and a pointer to `artifact` says where the whole
 * review is.
 */
export function formatReviewMarkdown(r: PlanReview, opts: { limit?: number; artifact?: string } = {}): string {
  const limit = opts.limit ?? GITHUB_COMMENT_LIMIT;
  const head = [MARKDOWN_MARKER, '### nsbridge plan: DNS review', '', `**${summaryLine(r)}**`, ''];
  for (const w of r.warnings) head.push('> [!CAUTION]', `> ${escapeHtml(w)}`, '');
  const sections = r.domains.map((d) => {
    const open = d.warnings.length > 0 ? ' open' : '';
    return [`<details${open}><summary><b>${escapeHtml(d.domain)}</b>: ${escapeHtml(headline(d))}</summary>`, '', '```diff', ...domainLines(d).map(fenceSafe), '```', '', '</details>', ''].join('\n');
  });
  const tail: string[] = [];
  if (r.other.length) {
    tail.push(`<details><summary>Other changes (not DNS): ${r.other.length}</summary>`, '', ...r.other.map((o) => `- \`${o.change}\` \`${o.address}\``), '', '</details>', '');
  }
  if (r.bookkeeping) tail.push(`<sub>${r.bookkeeping} nsbridge bookkeeping change(s) (plan-time reads, recorded name servers) not listed.</sub>`, '');
  const join = (parts: string[]) => `${parts.join('\n')}\n`;
  const full = join([...head, ...sections, ...tail]);
  if (full.length <= limit) return full;

  const pointer = (left: number) =>
    `> [!WARNING]\n> ${left} domain section(s) left out: the comment limit is ${limit} characters. The whole review is in ${opts.artifact ?? 'the job artifact (`nsbridge plan --plan ... --format table`)'}.\n`;
  let body = join(head);
  let shown = 0;
  const tailText = join(tail);
  for (const s of sections) {
    const reserve = pointer(sections.length - shown).length + tailText.length + 2;
    if (body.length + s.length + 1 + reserve > limit) break;
    body += `${s}\n`;
    shown++;
  }
  body += pointer(sections.length - shown);
  if (body.length + tailText.length <= limit) body += tailText;
  return body.length <= limit ? body : body.slice(0, limit);
}

export function formatReview(r: PlanReview, format: ReportFormat, opts: { limit?: number; artifact?: string } = {}): string {
  return format === 'json' ? formatReviewJson(r) : format === 'markdown' ? formatReviewMarkdown(r, opts) : formatReviewTable(r);
}

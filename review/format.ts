/** The three faces of the plan report: a terminal table, Markdown for a pull request, JSON. */
import type { Action, PlanReport, PlanRow } from './plan';

export type ReportFormat = 'table' | 'markdown' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'markdown', 'json'];

/** First line of the Markdown report: lets a pipeline find and update its own comment. */
export const MARKDOWN_MARKER = '<!-- nsbridge-plan -->';

const ACTIONS: readonly Action[] = ['set', 'drift', 'release', 'blocked', 'none'];

export function summary(report: PlanReport): Record<Action, number> {
  const counts = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Record<Action, number>;
  for (const r of report.rows) counts[r.action]++;
  return counts;
}

/** Anything a deploy would change, or that differs from what the stacks want. */
export const hasChanges = (report: PlanReport): boolean => report.rows.some((r) => r.action !== 'none' && r.action !== 'blocked');
export const hasBlocked = (report: PlanReport): boolean => report.rows.some((r) => r.action === 'blocked');

const list = (ns: readonly string[] | undefined, unknown: string) => (ns ? (ns.length ? ns.join(', ') : '(none)') : unknown);

function summaryLine(report: PlanReport): string {
  const c = summary(report);
  return `${report.rows.length} domain(s): ${c.none} unchanged, ${c.set} to set, ${c.drift} drifted, ${c.release} to release, ${c.blocked} blocked`;
}

export function formatJson(report: PlanReport): string {
  return `${JSON.stringify({ version: 1, summary: summary(report), stateProblems: report.stateProblems, domains: report.rows }, null, 2)}\n`;
}

export function formatTable(report: PlanReport): string {
  const head = ['STACK', 'DOMAIN', 'REGISTRAR', 'ACTION', 'CURRENT', 'DESIRED'];
  const cells = report.rows.map((r) => [r.stack, r.domain, r.registrar, r.action, list(r.current, '?'), list(r.desired, '(known after apply)')]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
  const notes = report.rows.filter((r) => r.action !== 'none').map((r) => `  ${r.domain} (${r.action}): ${r.reason}${r.fix ? `\n    fix: ${r.fix}` : ''}`);
  const problems = report.stateProblems.map((p) => `  state of ${p.stack}: ${p.reason}`);
  return [line(head), ...cells.map(line), '', summaryLine(report), ...notes, ...problems, ''].join('\n');
}

const md = (s: string) => s.replace(/\|/g, '\\|');
const ICON: Record<Action, string> = { none: 'none', set: '**set**', drift: '**drift**', release: '**release**', blocked: '**blocked**' };

export function formatMarkdown(report: PlanReport): string {
  const out = [MARKDOWN_MARKER, '### nsbridge plan: registrar delegations', '', summaryLine(report), ''];
  if (report.rows.length > 0) {
    out.push('| Stack | Domain | Registrar | Action | Current NS | Desired NS |', '|---|---|---|---|---|---|');
    for (const r of report.rows) {
      out.push(`| ${md(r.stack)} | ${md(r.domain)} | ${md(r.registrarName)} | ${ICON[r.action]} | ${md(list(r.current, '?'))} | ${md(list(r.desired, `_${r.desiredFrom}_`))} |`);
    }
    out.push('');
  }
  const notable = report.rows.filter((r: PlanRow) => r.action !== 'none');
  if (notable.length > 0) {
    out.push('<details open><summary>Details</summary>', '');
    for (const r of notable) {
      out.push(`- **${md(r.domain)}** (${r.registrarName}, ${r.action}): ${md(r.reason)}`);
      if (r.fix) out.push('', '  ```sh', `  ${r.fix}`, '  ```');
    }
    out.push('', '</details>', '');
  }
  for (const p of report.stateProblems) out.push(`> State of stack \`${p.stack}\` not read: ${md(p.reason)}`, '');
  return `${out.join('\n')}\n`;
}

export function formatReport(report: PlanReport, format: ReportFormat): string {
  return format === 'json' ? formatJson(report) : format === 'markdown' ? formatMarkdown(report) : formatTable(report);
}

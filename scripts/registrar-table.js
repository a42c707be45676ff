#!/usr/bin/env node
/**
 * Renders docs/registrars.md's registrar table from the adapters' capability data (registrar-adapters/
 * <id>/info.json, through the catalog), between the markers <!-- registrars:start --> and <!-- registrars:end -->.
 *   npm run docs:registrars          rewrite the section
 *   node scripts/registrar-table.js --check   exit 1 if it is out of date (run by the tests)
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const START = '<!-- registrars:start -->';
const END = '<!-- registrars:end -->';

function cap(c) {
  return c.supported ? `yes${c.note ? ` (${c.note})` : ''}` : `no: ${c.reason}`;
}

function render(registrars) {
  const lines = [];
  const withApi = registrars.filter((r) => r.capabilities.setNameServers.supported).length;
  lines.push(`${registrars.length} registrars: ${withApi} with an API nsbridge writes the delegation through, and ${registrars.length - withApi} without (${registrars.filter((r) => !r.capabilities.setNameServers.supported).map((r) => `\`${r.id}\``).join(', ')}).`);
  lines.push('');
  lines.push('| id | registrar | set NS | read NS | DNSSEC | sandbox | async | credentials (env) | settings (domains.yaml `registrarSettings` / env) | rate limit used |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of registrars) {
    const creds = r.credentials.length
      ? r.credentials.map((c) => `\`${c.env}\`${c.optional ? ' (optional' + (c.defaultFrom ? `, defaults to \`${c.defaultFrom}\`` : '') + ')' : ''}`).join('<br>')
      : 'none';
    const settings = r.settings.length ? r.settings.map((s) => `\`${s.key}\` / \`${s.env}\``).join('<br>') : '-';
    const per = (ms) => (ms >= 86_400_000 ? `${ms / 86_400_000} day` : ms >= 3_600_000 ? `${ms / 3_600_000} h` : ms >= 60_000 ? `${ms / 60_000} min` : `${ms / 1000} s`);
    const windows = [...(r.rateLimit ? [r.rateLimit] : []), ...(r.extraRateLimits || [])];
    const limit = windows.length ? windows.map((w) => `${w.requests} per ${per(w.perMs)}`).join(' and ') + ` (${r.rateLimit ? r.rateLimit.source : windows[0].source})` : '-';
    const cell = (s) => String(s).replace(/\|/g, '\\|');
    lines.push(
      `| \`${r.id}\` | ${r.docs ? `[${r.name}](${r.docs})` : r.name} | ${cell(cap(r.capabilities.setNameServers))} | ${cell(cap(r.capabilities.readNameServers))} | ${cell(r.capabilities.dnssec.supported ? `yes, takes the ${r.dnssecInput === 'dnskey' ? 'DNSKEY' : 'DS'}` : cap(r.capabilities.dnssec))} | ${cell(cap(r.capabilities.sandbox))} | ${cell(cap(r.capabilities.asyncOperations))} | ${creds} | ${settings} | ${cell(limit)} |`,
    );
  }
  lines.push('');
  lines.push('Quirks users must know:');
  lines.push('');
  for (const r of registrars) {
    for (const q of r.quirks) lines.push(`- **${r.name}**: ${q}`);
  }
  return lines.join('\n');
}

function main() {
  require('./build-if-needed');
  const { REGISTRARS } = require(path.join(root, 'dist', 'registrar-adapters', 'catalog.js'));
  const table = render(Object.values(REGISTRARS));
  const readmePath = path.join(root, 'docs', 'registrars.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a === -1 || b === -1 || b < a) throw new Error(`docs/registrars.md has no ${START} ... ${END} section`);
  const next = `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('docs/registrars.md registrar table is out of date: run npm run docs:registrars');
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(readmePath, next);
}

main();

/**
 * `nsbridge plan --plan`: the DNS review of a saved plan. The renderer against plan JSON fixtures
 * (__tests__/review/fixtures, see README there for how they are made), and bad plan files through
 * the bundled CLI (exit 2, one clear line).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkPlanMatchesStack, parsePlanJson, SavedPlan } from '../../review/plan-file';
import { reviewPlan, REVIEW_SCHEMA } from '../../review/dns-review';
import { formatReviewMarkdown, formatReviewTable, formatReviewJson, GITHUB_COMMENT_LIMIT, recordLine } from '../../review/dns-format';
import { MARKDOWN_MARKER } from '../../review/format';
import { baseEnv, runCli } from '../../testing/registrars/run-cli';

const FIXTURES = path.join(__dirname, 'fixtures');
/** moto gives every zone the same four name servers. */
const MOTO_NS = ['ns-2048.awsdns-64.com', 'ns-2049.awsdns-65.net', 'ns-2050.awsdns-66.org', 'ns-2051.awsdns-67.co.uk'];
const BOOKKEEPING = 4;
const fixture = (name: string): SavedPlan => parsePlanJson(fs.readFileSync(path.join(FIXTURES, name), 'utf8'), name);

describe('DNS review of a saved plan', () => {
  const review = reviewPlan(fixture('changes.plan.json'));
  const byDomain = (d: string) => review.domains.find((x) => x.domain === d)!;

  test('counts every kind of change in the summary', () => {
    expect(review.schema).toBe(REVIEW_SCHEMA);
    expect(review.summary).toEqual({
      domains: 6,
      zonesCreated: 1,
      zonesReplaced: 1,
      zonesDeleted: 2,
      zonesUpdated: 0,
      recordsAdded: 2,
      recordsChanged: 1,
      recordsRemoved: 2,
      delegations: 2,
      driftRepairs: 1,
      releases: 1,
      dnssec: 1,
      other: 1, // the KMS key of the signing key
      warnings: 2,
    });
  });

  test('records in DNS terms: added, changed (old -> new values and TTL), removed', () => {
    const lines = byDomain('example.com').records.map(recordLine);
    expect(lines).toEqual([
      '- MX example.com 300 "10 mx1.mail.example.net", "20 mx2.mail.example.net"',
      '~ TXT example.com 300 "v=spf1 -all" -> 600 "v=spf1 include:_spf.mail.example.net -all"',
      '+ A www.example.com 300 192.0.2.10',
    ]);
    // A record of a zone created in the same plan (zone_id unknown) is tied through the configuration.
    expect(byDomain('new.com').records.map(recordLine)).toEqual(['+ A new.com 300 192.0.2.20, 192.0.2.21']);
  });

  test('the delegation: new, drift repair, release with its policy', () => {
    expect(byDomain('new.com').delegation).toMatchObject({ change: 'set', registrar: 'namecheap', reason: 'new delegation' });
    expect(byDomain('new.com').delegation!.desired).toBeUndefined();
    // The repair trigger is unknown at plan (the read found drift), the name servers are the same.
    expect(byDomain('drift.com').delegation).toMatchObject({ change: 'repair', desired: MOTO_NS, current: MOTO_NS });
    // A replaced zone: the bridge follows its new name servers, known after apply.
    expect(byDomain('moved.com').delegation).toMatchObject({ change: 'set', current: MOTO_NS, reason: "the zone's name servers change (known after apply)" });
    expect(byDomain('moved.com').delegation!.desired).toBeUndefined();
    expect(byDomain('old.com').delegation).toMatchObject({ change: 'release', policy: 'restore', desired: ['ns1.previous-dns.com', 'ns2.previous-dns.com'] });
    expect(byDomain('example.com').delegation).toBeUndefined(); // its bridge is a no-op
  });

  test('a zone deleted or replaced that the domain still delegates to is flagged loudly; a released one is not', () => {
    expect(byDomain('gone.com').warnings).toEqual([expect.stringMatching(/^ZONE DELETED while gone\.com may still delegate to it/)]);
    expect(byDomain('moved.com').warnings).toEqual([expect.stringMatching(/^ZONE REPLACED: moved\.com/)]);
    expect(byDomain('old.com').warnings).toEqual([]);
  });

  test('DNSSEC and what is not DNS are listed; nsbridge bookkeeping is only counted', () => {
    expect(byDomain('example.com').dnssec).toEqual([{ change: 'create', address: 'aws_route53_key_signing_key.examplecom_zone_key-signing-key_DDDD4444', what: 'key-signing key (ACTIVE)' }]);
    expect(review.other).toEqual([{ address: 'aws_kms_key.examplecom_zone_dnssec-key_DDDD3333', change: 'create' }]);
    // Holders and release guards that change with their delegation: counted, not listed.
    expect(review.bookkeeping).toBe(BOOKKEEPING);
    const table = formatReviewTable(review);
    expect(table).not.toMatch(/previous_|registrar-read/);
    expect(table).toMatch(/Other changes \(not DNS\):\n {2}create aws_kms_key\.examplecom_zone_dnssec-key_DDDD3333/);
  });

  test('a no-op plan says so and nothing else', () => {
    const noop = reviewPlan(fixture('noop.plan.json'));
    expect(noop.domains).toEqual([]);
    expect(formatReviewTable(noop)).toBe('No changes: this plan changes no DNS and nothing else.\n\n');
  });

  test('JSON is the versioned document', () => {
    const doc = JSON.parse(formatReviewJson(review));
    expect(doc.schema).toBe('nsbridge/plan-review/v1');
    expect(doc.planFormat).toBe('1.2');
    expect(doc.domains.map((d: { domain: string }) => d.domain)).toEqual(['drift.com', 'example.com', 'gone.com', 'moved.com', 'new.com', 'old.com']);
  });

  test('Markdown: marker, summary with counts, loud flags, one collapsible section per domain', () => {
    const md = formatReviewMarkdown(review);
    const lines = md.split('\n');
    expect(lines[0]).toBe(MARKDOWN_MARKER);
    expect(md).toMatch(/\*\*6 domain\(s\) change: zones 1 created, 1 replaced, 2 deleted/);
    expect(md).toMatch(/> \[!CAUTION\]\n> ZONE DELETED while gone\.com/);
    expect(md.match(/<details/g)).toHaveLength(7); // 6 domains + other changes
    expect(md).toMatch(/<details open><summary><b>gone\.com<\/b>/); // flagged sections start open
    expect(md).toMatch(/```diff\n- MX example\.com 300/);
  });

  test('Markdown over the comment limit is cut by whole domain sections, with a pointer to the artifact', () => {
    // 2,000 domains with 10 records each, from the fixture's record shape.
    const base = fixture('changes.plan.json');
    const rec = base.resourceChanges.find((c) => c.address.includes('newcom_zone_-A_'))!;
    const zone = base.resourceChanges.find((c) => c.address === 'aws_route53_zone.newcom_zone_AB12CD34')!;
    const resourceChanges = [];
    const configuration = new Map(base.configuration);
    for (let i = 0; i < 2000; i++) {
      const z = `aws_route53_zone.d${i}_zone_00000000`;
      resourceChanges.push({ ...zone, address: z, change: { ...zone.change, after: { ...zone.change.after, name: `d${i}.com` } } });
      for (let j = 0; j < 10; j++) {
        const a = `aws_route53_record.d${i}_r${j}_00000000`;
        resourceChanges.push({ ...rec, address: a, change: { ...rec.change, after: { ...rec.change.after, name: `h${j}.d${i}.com` } } });
        configuration.set(a, { address: a, expressions: { zone_id: { references: [`${z}.zone_id`, z] } } });
      }
    }
    const big = reviewPlan({ ...base, resourceChanges, configuration });
    expect(big.summary.recordsAdded).toBe(20_000);
    const md = formatReviewMarkdown(big, { artifact: 'https://ci.example/artifacts/plan-review.txt' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.split('\n')[0]).toBe(MARKDOWN_MARKER);
    expect(md).toMatch(/\*\*2000 domain\(s\) change/);
    const shown = (md.match(/<details><summary><b>d\d+\.com/g) ?? []).length;
    expect(shown).toBeGreaterThan(10);
    expect(md).toContain(`${2000 - shown} domain section(s) left out: the comment limit is 65536 characters. The whole review is in https://ci.example/artifacts/plan-review.txt.`);
    // Sections are never cut in the middle.
    expect(md.match(/<details>/g)!.length).toBe(md.match(/<\/details>/g)!.length);
  });

  test('a plan from another configuration is refused', () => {
    const plan = fixture('changes.plan.json');
    expect(() => checkPlanMatchesStack(plan, new Set(['aws_route53_zone.unrelated_zone_1']), 'plan.json', 'prod')).toThrow(
      /plan\.json was made from another configuration than stack prod: \d+ resource\(s\) it creates or updates are not in the stack/,
    );
    const all = new Set(plan.resourceChanges.map((c) => c.address));
    expect(() => checkPlanMatchesStack(plan, all, 'plan.json', 'prod')).not.toThrow();
  });
});

describe('nsbridge plan --plan: bad plan files', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-review-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = async (name: string, content: string | Buffer, env: Record<string, string> = {}) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return runCli(['plan', '--plan', file], baseEnv(env));
  };
  const good = fs.readFileSync(path.join(FIXTURES, 'changes.plan.json'), 'utf8');

  test('the fixture renders through the CLI', async () => {
    const r = await run('ok.json', good);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ A www.example.com 300 192.0.2.10');
  });

  test.each([
    ['truncated', good.slice(0, good.length / 2), /is not plan JSON \(it ends in the middle: truncated\)/],
    ['not JSON', 'hello', /is not plan JSON/],
    ['empty', '', /is empty: make it again/],
    ['state, not a plan', JSON.stringify({ format_version: '1.0', values: {} }), /is not a plan .*it looks like state/],
    ['newer format', JSON.stringify({ ...JSON.parse(good), format_version: '2.0' }), /format 2\.0, made by a newer engine than this nsbridge reads/],
    ['errored plan', JSON.stringify({ ...JSON.parse(good), errored: true }), /a plan that failed/],
  ])('%s: exit 2 with one line that says what to do', async (name, content, message) => {
    const r = await run(`${name.replace(/\W/g, '_')}.json`, content);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a corrupt binary plan file: the engine cannot read it, exit 2', async () => {
    // A zip header and garbage; the "engine" is a stand-in that fails as a real one does.
    const engine = path.join(dir, 'fake-engine.sh');
    fs.writeFileSync(engine, '#!/bin/sh\necho "Error: Failed to read the given file as a state or plan file: zip: not a valid zip file" >&2\nexit 1\n', { mode: 0o755 });
    const r = await run('plan.tfplan', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 7)]), { NSBRIDGE_TERRAFORM_BINARY: engine });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read the plan file .*plan\.tfplan.*zip: not a valid zip file .*plan again/);
  });
});

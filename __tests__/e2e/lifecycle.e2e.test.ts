/**
 * The life of a configuration under a real engine: `npx cdktf deploy` with OpenTofu and the AWS
 * provider against moto, the GoDaddy and Namecheap emulators, and a loopback DNS world that serves
 * the test domains on moto's four name servers (so the CLI's DNS pre-flight and parent check run
 * for real, as they do in production).
 *
 * The scenarios build on each other (a no-op deploy needs a deploy before it), so this file shares
 * one moto, one pair of emulators and one DNS world, started fresh for the file; each scenario
 * starts from the request logs cleared. The order is the priority order where possible:
 * 1 deploy, 2 no-op, 3 new domain (and its plan), 6 drift (plan-based review), 4 failing registrar, 7 secret scan, 5 destroy.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { E2eWorld, explain, filesUnder, describeE2e, MOTO_NS, PREVIOUS_NS, REPO_ROOT, run, scenarioChain, sortedNs } from './harness';


// The opt-outs of plan-based review (the defaults are in plan-review.e2e.test.ts): the registrar's
// API as the delegation source, and drift reported (check block, nsbridge plan), not repaired.
const HEADER = `version: 1
defaults:
  ttl: 300
  tags: { managed-by: nsbridge-e2e }
  delegationSource: registrar
  repairDrift: false
stacks:
  e2e: {}
domains:
  - name: nsb-gd.com
    registrar: godaddy
    stack: e2e
    records:
      - { name: www, type: A, values: [192.0.2.10] }
  - name: nsb-nc.com
    registrar: namecheap
    stack: e2e
    destroyPolicy: retain
`;
const NEW_DOMAIN = `  - name: nsb-new.com
    registrar: godaddy
    stack: e2e
    destroyPolicy: refuse
`;
/** Added in 4b, so that one GoDaddy domain still needs its first write when GoDaddy's writes fail. */
const LATE_DOMAIN = `  - name: nsb-gd3.com
    registrar: godaddy
    stack: e2e
`;
const FAULT_DOMAINS = `  - name: nsb-gd2.com
    registrar: godaddy
    stack: e2e
  - name: nsb-nc2.com
    registrar: namecheap
    stack: e2e
`;

describeE2e('e2e: deploy, re-deploy, change, registrar failure, secret scan, destroy', () => {
  let w: E2eWorld;
  /** A later scenario needs the earlier ones: stop at the first failure instead of piling up. */
  const { step, keepWorld } = scenarioChain();
  const timings: Record<string, number> = {};
  /** The CLI as a user runs it in the project (after `cdktf diff`, which left cdktf.out and the state). */
  const nsbridge = (args: string[]) => run(process.execPath, [path.join(REPO_ROOT, 'bin', 'nsbridge.js'), ...args], { cwd: w.dir, env: w.env(), logFile: w.logFile });

  beforeAll(async () => {
    w = await E2eWorld.start('lifecycle');
    await w.addDomain('godaddy', 'nsb-gd.com');
    await w.addDomain('namecheap', 'nsb-nc.com');
    await w.addDomain('godaddy', 'nsb-new.com');
    await w.addDomain('godaddy', 'nsb-gd2.com');
    await w.addDomain('namecheap', 'nsb-nc2.com');
    await w.addDomain('godaddy', 'nsb-gd3.com');
  });

  afterAll(async () => {
    process.stderr.write(`nsbridge e2e timings (ms): ${JSON.stringify(timings)}\n`);
    await w?.close(keepWorld());
  });

  step('1. deploy: zones exist in moto, the registrars hold exactly the zones\' name servers', async () => {
    w.writeConfig(HEADER);
    const r = await w.deploy();
    timings.deploy1 = r.ms;
    expect({ code: r.code, out: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, out: '' });
    const zones = await w.moto.zones();
    expect(Object.keys(zones).sort()).toEqual(['nsb-gd.com', 'nsb-nc.com']);
    expect(sortedNs(zones['nsb-gd.com'])).toEqual(sortedNs(MOTO_NS));
    expect(sortedNs(w.godaddy.nameServersOf('nsb-gd.com'))).toEqual(sortedNs(MOTO_NS));
    expect(sortedNs(w.namecheap.nameServersOf('nsb-nc.com'))).toEqual(sortedNs(MOTO_NS));
    // the other domains of the accounts are untouched
    expect(sortedNs(w.godaddy.nameServersOf('nsb-new.com'))).toEqual(sortedNs(PREVIOUS_NS));
    // the parent (TLD) servers now delegate to the zone, as the registry would publish it
    expect(sortedNs(w.dns.delegationAt(0, 'nsb-gd.com'))).toEqual(sortedNs(MOTO_NS));
  });

  step('2. deploy again: cdktf diff reports no changes and the registrars receive zero writes', async () => {
    w.resetLogs();
    const d = await w.diff();
    timings.diff = d.ms;
    expect({ code: d.code, out: d.code === 0 ? '' : explain(d) }).toEqual({ code: 0, out: '' });
    expect(d.output).toMatch(/No changes/);
    // The drift reads ran at plan time and found the registrars in sync: no warning, nothing deferred.
    expect(d.output).not.toMatch(/Check block assertion|will be read during apply/);
    const r = await w.deploy();
    timings.deploy2 = r.ms;
    expect({ code: r.code, out: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, out: '' });
    expect(r.output).not.toMatch(/Creation complete|Destruction complete|Modifications complete/);
    expect({ godaddy: w.godaddy.http.writes(), namecheap: w.namecheap.http.writes() }).toEqual({ godaddy: 0, namecheap: 0 });
  });

  step('3. a new domain: the plan shows its registrar change alone; deploy applies it; the others get zero writes', async () => {
    w.writeConfig(HEADER + NEW_DOMAIN);
    w.resetLogs();
    const d = await w.diff();
    timings.diff3 = d.ms;
    expect({ code: d.code, out: d.code === 0 ? '' : explain(d) }).toEqual({ code: 0, out: '' });
    // every planned resource belongs to the new domain
    const planned = [...d.output.matchAll(/# (\S+) (?:\([^)]*\) )?will be (created|destroyed|updated in-place|replaced)/g)].map((m) => m[1]);
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.filter((a) => !/nsb-new/.test(a))).toEqual([]);
    expect(d.output).toMatch(/nsb-new\.com/);
    expect(d.output).not.toMatch(/nsb-gd\.com.*will be|nsb-nc\.com.*will be/);
    // The registrar change is named in the plan: domain, registrar, and whose name servers (a new zone's: known after apply).
    const flat = d.output.replace(/\s+/g, ' ');
    // (cdktf diff annotates every address with its construct path, inside strings too.)
    expect(flat).toMatch(/change = "point nsb-new\.com at GoDaddy to the name servers of Route 53 zone nsb-new\.com \(aws_route53_zone\.nsb-newcom_zone_[0-9A-F]{8}.*; known after apply when the zone is new\)"/);
    expect(flat).toMatch(/triggers_replace = \{ \+ domain = "nsb-new\.com" \+ name_servers = \(known after apply\) \+ registrar = "godaddy" \}/);
    // nsbridge plan says the same for reviewers, and that the other domains are unchanged.
    const report = await nsbridge(['plan', '--format', 'json']);
    expect({ code: report.code, err: report.code === 0 ? '' : report.stderr }).toEqual({ code: 0, err: '' });
    const rows = Object.fromEntries(JSON.parse(report.stdout).domains.map((x: { domain: string; action: string; desiredFrom: string }) => [x.domain, x]));
    expect(rows['nsb-new.com']).toMatchObject({ action: 'set', desiredFrom: 'new zone nsb-new.com: its name servers are known after apply' });
    expect(rows['nsb-gd.com']).toMatchObject({ action: 'none' });
    expect(rows['nsb-nc.com']).toMatchObject({ action: 'none' });
    const r = await w.deploy();
    timings.deploy3 = r.ms;
    expect({ code: r.code, out: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, out: '' });
    expect(sortedNs(w.godaddy.nameServersOf('nsb-new.com'))).toEqual(sortedNs(MOTO_NS));
    const writesTo = (domain: string) => w.godaddy.http.requests.filter((q) => q.write && q.path.includes(domain)).length;
    expect(writesTo('nsb-new.com')).toBeGreaterThan(0);
    expect(w.godaddy.http.writes()).toBe(writesTo('nsb-new.com'));
    expect(w.namecheap.http.writes()).toBe(0);
  });

  step('6. drift: a hand-made change at the registrar shows in cdktf diff and in nsbridge plan; the documented fix removes it', async () => {
    // Clean state first: nothing to change, nothing drifted.
    const clean = await nsbridge(['plan', '--expect-no-changes']);
    expect({ code: clean.code, out: clean.code === 0 ? '' : clean.output }).toEqual({ code: 0, out: '' });

    // Someone points nsb-gd.com elsewhere in GoDaddy's dashboard.
    w.godaddy.addDomain('nsb-gd.com', ['ns1.elsewhere-dns.com', 'ns2.elsewhere-dns.com']);
    w.resetLogs();
    const d = await w.diff();
    expect({ code: d.code, out: d.code === 0 ? '' : explain(d) }).toEqual({ code: 0, out: '' });
    expect(d.output).toMatch(/No changes/); // drift is a warning, never a planned change
    const flat = d.output.replace(/\s+/g, ' ');
    expect(flat).toMatch(/Check block assertion failed/);
    expect(flat).toMatch(/drift: nsb-gd\.com at GoDaddy: the registrar delegates to ns1\.elsewhere-dns\.com, ns2\.elsewhere-dns\.com, but this stack set ns-2048\.awsdns-64\.com, /);
    expect(w.godaddy.http.writes()).toBe(0);

    const drifted = await nsbridge(['plan', '--expect-no-changes', '--format', 'json']);
    expect(drifted.code).toBe(3);
    const row = JSON.parse(drifted.stdout).domains.find((x: { domain: string }) => x.domain === 'nsb-gd.com');
    expect(row).toMatchObject({ action: 'drift', current: ['ns1.elsewhere-dns.com', 'ns2.elsewhere-dns.com'], desired: sortedNs(MOTO_NS) });
    const markdown = await nsbridge(['plan', '--format', 'markdown']);
    expect(markdown.stdout).toContain('| e2e | nsb-gd.com | GoDaddy | **drift** |');

    // The documented fix, run exactly as printed (`npx nsbridge` is this repository's CLI here).
    expect(row.fix).toBe(`npx nsbridge set --registrar godaddy --domain nsb-gd.com --ns ${sortedNs(MOTO_NS).join(',')}`);
    const fixed = await run('sh', ['-c', row.fix.replace('npx nsbridge', `node ${JSON.stringify(path.join(REPO_ROOT, 'bin', 'nsbridge.js'))}`)], { cwd: w.dir, env: w.env(), logFile: w.logFile });
    expect({ code: fixed.code, out: fixed.code === 0 ? '' : fixed.output }).toEqual({ code: 0, out: '' });
    expect(sortedNs(w.godaddy.nameServersOf('nsb-gd.com'))).toEqual(sortedNs(MOTO_NS));

    const after = await w.diff();
    expect(after.output).toMatch(/No changes/);
    expect(after.output).not.toMatch(/Check block assertion/);
    expect((await nsbridge(['plan', '--expect-no-changes'])).code).toBe(0);
  });

  step('4a. a registrar that is down (reads fail too): the plan goes on, its domain fails with the CLI\'s message, the others deploy', async () => {
    // The plan-time registrar read of a registrar that is down answers "unavailable" instead of
    // failing the plan (nsbridge terraform-external), so only that registrar's domains fail, at apply.
    w.writeConfig(HEADER + NEW_DOMAIN + FAULT_DOMAINS);
    w.resetLogs();
    w.namecheap.http.inject({ kind: 'status', status: 500, times: Infinity });
    w.extraEnv = { NSBRIDGE_HTTP_RETRIES: '1', NSBRIDGE_HTTP_RETRY_BASE: '100ms' };
    let r;
    try {
      r = await w.deploy();
    } finally {
      w.namecheap.http.clearFaults();
      w.extraEnv = {};
    }
    timings.deploy4down = r.ms;
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/nsbridge: namecheap: get name servers nsb-nc2\.com: HTTP 500/);
    expect(r.output).toMatch(/the registrar is having trouble; try again later, nothing was changed/);
    // the GoDaddy domain of the same run is deployed; the Namecheap one is not delegated, its zone exists
    expect(sortedNs(w.godaddy.nameServersOf('nsb-gd2.com'))).toEqual(sortedNs(MOTO_NS));
    expect(sortedNs(w.namecheap.nameServersOf('nsb-nc2.com'))).toEqual(sortedNs(PREVIOUS_NS));
    expect(Object.keys(await w.moto.zones()).sort()).toEqual(['nsb-gd.com', 'nsb-gd2.com', 'nsb-nc.com', 'nsb-nc2.com', 'nsb-new.com']);
    expect(w.namecheap.http.writes()).toBe(0);
  });

  step('4b. a registrar whose writes fail: the deploy fails with the CLI\'s message for that domain, the others deploy; after the fault clears it converges', async () => {
    w.writeConfig(HEADER + NEW_DOMAIN + FAULT_DOMAINS + LATE_DOMAIN);
    w.resetLogs();
    w.godaddy.http.inject({ kind: 'status', status: 500, times: Infinity, method: 'PATCH' });
    w.extraEnv = { NSBRIDGE_HTTP_RETRIES: '1', NSBRIDGE_HTTP_RETRY_BASE: '100ms' };
    let r;
    try {
      r = await w.deploy();
    } finally {
      w.godaddy.http.clearFaults();
      w.extraEnv = {};
    }
    timings.deploy4fail = r.ms;
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/nsbridge: godaddy: .*nsb-gd3\.com.*HTTP 500/);
    // the Namecheap domain left over from 4a is deployed in the same run; the new GoDaddy one is not delegated
    expect(sortedNs(w.namecheap.nameServersOf('nsb-nc2.com'))).toEqual(sortedNs(MOTO_NS));
    expect(sortedNs(w.godaddy.nameServersOf('nsb-gd3.com'))).toEqual(sortedNs(PREVIOUS_NS));
    expect(Object.keys(await w.moto.zones()).sort()).toEqual(['nsb-gd.com', 'nsb-gd2.com', 'nsb-gd3.com', 'nsb-nc.com', 'nsb-nc2.com', 'nsb-new.com']);
    w.resetLogs();
    const r2 = await w.deploy();
    timings.deploy4converge = r2.ms;
    expect({ code: r2.code, out: r2.code === 0 ? '' : explain(r2) }).toEqual({ code: 0, out: '' });
    expect(sortedNs(w.godaddy.nameServersOf('nsb-gd3.com'))).toEqual(sortedNs(MOTO_NS));
    expect(w.namecheap.http.writes()).toBe(0);
    const d = await w.diff();
    expect(d.output).toMatch(/No changes/);
  });

  step('7. secret scan: no sentinel credential appears in cdktf.out, plans, state or logs', async () => {
    // a saved plan, rendered, is part of what is scanned
    const plan = await w.tofu('e2e', ['plan', '-input=false', '-no-color', '-out=e2e.tfplan']);
    expect({ code: plan.code, out: plan.code === 0 ? '' : explain(plan) }).toEqual({ code: 0, out: '' });
    const show = await w.tofu('e2e', ['show', '-no-color', '-json', 'e2e.tfplan']);
    fs.writeFileSync(path.join(w.dir, 'plan.json'), show.stdout);
    const secrets = w.secrets();
    expect(secrets.some((s) => s.includes('SENTINEL'))).toBe(true);
    const files = filesUnder(w.dir);
    expect(files.some((f) => f.endsWith('.tfstate'))).toBe(true);
    expect(files.some((f) => f.endsWith('e2e.log'))).toBe(true);
    const hits: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f).toString('latin1');
      for (const s of [...secrets, 'SENTINEL']) if (text.includes(s)) hits.push(`${path.relative(w.dir, f)}: ${s}`);
    }
    expect(hits).toEqual([]);
  });

  step('5. destroy: refuse fails the destroy; then retain warns, restore puts back the previous NS, the zones are gone', async () => {
    w.resetLogs();
    const r = await w.destroy();
    timings.destroyRefused = r.ms;
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/nsb-new\.com/);
    expect(r.output).toMatch(/refuse/);
    // the refused domain still points at its zone, which still exists
    expect(sortedNs(w.godaddy.nameServersOf('nsb-new.com'))).toEqual(sortedNs(MOTO_NS));
    expect(Object.keys(await w.moto.zones())).toContain('nsb-new.com');

    // what the refusal message asks for: change the policy, deploy, destroy
    w.writeConfig(HEADER + NEW_DOMAIN.replace('refuse', 'retain') + FAULT_DOMAINS + LATE_DOMAIN);
    const fix = await w.deploy();
    expect({ code: fix.code, out: fix.code === 0 ? '' : explain(fix) }).toEqual({ code: 0, out: '' });
    const r2 = await w.destroy();
    timings.destroy = r2.ms;
    expect({ code: r2.code, out: r2.code === 0 ? '' : explain(r2) }).toEqual({ code: 0, out: '' });
    // restore (the default): the name servers the domains had before nsbridge
    expect(sortedNs(w.godaddy.nameServersOf('nsb-gd.com'))).toEqual(sortedNs(PREVIOUS_NS));
    expect(sortedNs(w.godaddy.nameServersOf('nsb-gd2.com'))).toEqual(sortedNs(PREVIOUS_NS));
    // nsb-nc2's registrar was down at its first plan (4a): the previous NS were recorded at the next one
    expect(sortedNs(w.namecheap.nameServersOf('nsb-nc2.com'))).toEqual(sortedNs(PREVIOUS_NS));
    expect(sortedNs(w.godaddy.nameServersOf('nsb-gd3.com'))).toEqual(sortedNs(PREVIOUS_NS));
    // retain: left as it was, with the warning
    expect(sortedNs(w.namecheap.nameServersOf('nsb-nc.com'))).toEqual(sortedNs(MOTO_NS));
    expect(r2.output).toMatch(/WARNING: namecheap: nsb-nc\.com is left delegated to/);
    expect(r2.output).toMatch(/WARNING: godaddy: nsb-new\.com is left delegated to/);
    expect(await w.moto.zones()).toEqual({});
  });
});

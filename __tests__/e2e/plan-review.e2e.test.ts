/**
 * Plan-based review as a pipeline runs it, with the defaults (`delegationSource: dns`,
 * `repairDrift: true`), under OpenTofu + the AWS provider + moto + the registrar emulators + the
 * loopback DNS world:
 *
 *  1. first deploy (`cdktf deploy`, with credentials);
 *  2. a record change planned in a stack directory (`tofu plan -out`, or `terraform plan -out`) with NO registrar credential
 *     in the environment: zero registrar requests (counted at the emulators); `nsbridge plan --plan`
 *     shows exactly the records added, changed and removed, and no delegation change;
 *  3. `nsbridge apply <planfile>` applies that plan; the records are in moto;
 *  4. the next plan is a no-op (`-detailed-exitcode` 0), still without credentials or requests;
 *  5. a hand change at the registrar (published by the registry): the next plan (no credentials)
 *     shows the repair, its deploy sets the delegation again, and the plan after it is clean;
 *  6. a stale plan (another deploy ran after it was made) is refused: exit 2, nothing applied.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { E2eWorld, ENGINE_BIN, explain, missingTools, MOTO_NS, REPO_ROOT, run, RunResult, scenarioChain, sortedNs } from './harness';

const config = (records: string) => `version: 1
defaults:
  ttl: 300
stacks:
  e2e: {}
domains:
  - name: nsb-pr-gd.com
    registrar: godaddy
    stack: e2e
    records:
${records}
  - name: nsb-pr-nc.com
    registrar: namecheap
    stack: e2e
    destroyPolicy: retain
`;
const V1 = `      - { name: www, type: A, values: [192.0.2.10] }
      - { name: '@', type: TXT, values: ['v=spf1 -all'] }
      - { name: old, type: CNAME, values: [www.nsb-pr-gd.com] }`;
const V2 = `      - { name: www, type: A, values: [192.0.2.10] }
      - { name: '@', type: TXT, ttl: 600, values: ['v=spf1 include:_spf.example.net -all'] }
      - { name: api, type: A, values: [192.0.2.20, 192.0.2.21] }`;
const V3 = `${V2}
      - { name: mail, type: A, values: [192.0.2.30] }`;
const V4 = `${V2}
      - { name: cdn, type: A, values: [192.0.2.40] }`;

const tools = missingTools();
const describeIfTools = tools.length === 0 ? describe : describe.skip;
if (tools.length > 0) process.stderr.write(`nsbridge e2e: SKIPPED, missing ${tools.join(', ')}; build with: bash scripts/e2e/install-tools.sh\n`);

describeIfTools('e2e: plan-based review (no registrar secrets at plan time, apply what was reviewed, drift repaired)', () => {
  let w: E2eWorld;
  const { step, keepWorld } = scenarioChain();
  const stackDir = () => path.join(w.dir, 'cdktf.out', 'stacks', 'e2e');
  const ok = (r: RunResult) => expect({ code: r.code, out: r.code === 0 ? '' : explain(r) }).toEqual({ code: 0, out: '' });

  /** The plan job's environment: the world's, without any registrar credential (endpoints stay, so a request would be counted). */
  const planEnv = (): NodeJS.ProcessEnv => {
    const secrets = new Set([...Object.keys(w.godaddy.env()), ...Object.keys(w.namecheap.env())].filter((k) => !k.startsWith('NSBRIDGE_')));
    return Object.fromEntries(Object.entries(w.env()).filter(([k]) => !secrets.has(k)));
  };
  /** The suite's engine (NSBRIDGE_E2E_ENGINE: OpenTofu or Terraform), run in the stack directory as the pipelines do. */
  const engine = (args: string[], env: NodeJS.ProcessEnv) => run(ENGINE_BIN, args, { cwd: stackDir(), env, logFile: w.logFile });
  const nsbridge = (args: string[], env: NodeJS.ProcessEnv) => run(process.execPath, [path.join(REPO_ROOT, 'bin', 'nsbridge.js'), ...args], { cwd: w.dir, env, logFile: w.logFile });
  const requests = () => ({ godaddy: w.godaddy.http.requests.length, namecheap: w.namecheap.http.requests.length });

  /** The plan job: synth, init, plan -out, show -json, review; all without registrar credentials. */
  async function planJob(name: string): Promise<{ plan: RunResult; review: any }> {
    const env = planEnv();
    ok(await w.cdktf(['synth']));
    ok(await engine(['init', '-input=false', '-no-color'], env));
    const plan = await engine(['plan', '-input=false', '-no-color', '-detailed-exitcode', `-out=${name}.tfplan`], env);
    expect({ code: plan.code === 1 ? 1 : 0, out: plan.code === 1 ? explain(plan) : '' }).toEqual({ code: 0, out: '' });
    const json = await engine(['show', '-json', `${name}.tfplan`], env);
    ok(json);
    fs.writeFileSync(path.join(stackDir(), `${name}.json`), json.stdout);
    const review = await nsbridge(['plan', '--plan', path.join(stackDir(), `${name}.json`), '--stack', 'e2e', '--format', 'json'], env);
    ok(review);
    const table = await nsbridge(['plan', '--plan', path.join(stackDir(), `${name}.json`), '--stack', 'e2e'], env);
    fs.writeFileSync(path.join(w.dir, `${name}.review.txt`), table.stdout);
    return { plan, review: JSON.parse(review.stdout) };
  }

  beforeAll(async () => {
    w = await E2eWorld.start('plan-review');
    await w.addDomain('godaddy', 'nsb-pr-gd.com');
    await w.addDomain('namecheap', 'nsb-pr-nc.com');
  });
  afterAll(async () => {
    await w?.close(keepWorld());
  });

  step('1. first deploy (cdktf deploy, with credentials)', async () => {
    w.writeConfig(config(V1));
    ok(await w.deploy());
    expect(sortedNs(w.godaddy.nameServersOf('nsb-pr-gd.com'))).toEqual(sortedNs(MOTO_NS));
    expect(sortedNs(w.namecheap.nameServersOf('nsb-pr-nc.com'))).toEqual(sortedNs(MOTO_NS));
  });

  step('2. a record change planned with no registrar credentials: zero registrar requests; the review lists exactly the record changes', async () => {
    w.writeConfig(config(V2));
    expect(Object.keys(planEnv()).filter((k) => /GODADDY_API|NAMECHEAP_API/.test(k))).toEqual([]);
    w.resetLogs();
    const { plan, review } = await planJob('change');
    expect(plan.code).toBe(2); // changes
    expect(requests()).toEqual({ godaddy: 0, namecheap: 0 });
    expect(review.schema).toBe('nsbridge/plan-review/v1');
    expect(review.domains.map((d: any) => d.domain)).toEqual(['nsb-pr-gd.com']);
    const lines = review.domains[0].records.map((r: any) => `${r.change} ${(r.after ?? r.before).type} ${(r.after ?? r.before).name}`);
    expect(lines.sort()).toEqual(['add A api.nsb-pr-gd.com', 'change TXT nsb-pr-gd.com', 'remove CNAME old.nsb-pr-gd.com']);
    const txt = review.domains[0].records.find((r: any) => r.change === 'change');
    expect(txt.before).toMatchObject({ ttl: 300, values: ['v=spf1 -all'] });
    expect(txt.after).toMatchObject({ ttl: 600, values: ['v=spf1 include:_spf.example.net -all'] });
    expect(review.domains[0].delegation).toBeUndefined();
    expect(review.other).toEqual([]);
    expect(fs.readFileSync(path.join(w.dir, 'change.review.txt'), 'utf8')).toContain('+ A api.nsb-pr-gd.com 300 192.0.2.20, 192.0.2.21');
  });

  step('3. the deploy job applies exactly the reviewed plan file', async () => {
    w.resetLogs();
    ok(await nsbridge(['apply', path.join(stackDir(), 'change.tfplan')], w.env()));
    const records = await w.moto.boto<string[]>(
      [
        'c = boto3.client("route53", **kw)',
        'z = [z for z in c.list_hosted_zones()["HostedZones"] if z["Name"] == "nsb-pr-gd.com."][0]',
        'rr = c.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"]',
        'print(json.dumps(sorted(r["Type"] + " " + r["Name"] + " " + str(r.get("TTL")) for r in rr if r["Type"] not in ("NS", "SOA"))))',
      ].join('\n'),
    );
    expect(records).toEqual(['A api.nsb-pr-gd.com. 300', 'A www.nsb-pr-gd.com. 300', 'TXT nsb-pr-gd.com. 600']);
    expect({ godaddy: w.godaddy.http.writes(), namecheap: w.namecheap.http.writes() }).toEqual({ godaddy: 0, namecheap: 0 });
  });

  step('4. the next plan is a no-op: no change at all, no registrar request', async () => {
    w.resetLogs();
    const { plan, review } = await planJob('noop');
    expect(plan.code).toBe(0);
    expect(plan.output).not.toMatch(/will be read during apply|must be replaced/);
    expect(review.domains).toEqual([]);
    expect(review.other).toEqual([]);
    expect(requests()).toEqual({ godaddy: 0, namecheap: 0 });
  });

  step('5. a hand change at the registrar: the next plan shows the repair, its deploy sets it again, the plan after is clean', async () => {
    const elsewhere = ['ns1.elsewhere-dns.com', 'ns2.elsewhere-dns.com'];
    w.godaddy.addDomain('nsb-pr-gd.com', elsewhere); // the dashboard
    w.dns.delegate('nsb-pr-gd.com', elsewhere); // ...published by the registry
    w.resetLogs();
    const { plan, review } = await planJob('drift');
    expect(plan.code).toBe(2);
    expect(requests()).toEqual({ godaddy: 0, namecheap: 0 });
    expect(review.domains).toHaveLength(1);
    expect(review.domains[0]).toMatchObject({ domain: 'nsb-pr-gd.com', records: [], delegation: { change: 'repair', registrar: 'godaddy', desired: sortedNs(MOTO_NS) } });
    expect(fs.readFileSync(path.join(w.dir, 'drift.review.txt'), 'utf8')).toContain('(DRIFT REPAIR): set again to ns-2048.awsdns-64.com');

    ok(await nsbridge(['apply', path.join(stackDir(), 'drift.tfplan')], w.env()));
    expect(sortedNs(w.godaddy.nameServersOf('nsb-pr-gd.com'))).toEqual(sortedNs(MOTO_NS));
    expect({ godaddy: w.godaddy.http.writes(), namecheap: w.namecheap.http.writes() }).toEqual({ godaddy: 1, namecheap: 0 });

    w.resetLogs();
    const after = await planJob('after-repair');
    expect(after.plan.code).toBe(0);
    expect(after.review.domains).toEqual([]);
  });

  step('6. a stale plan is refused: exit 2, nothing of it applied', async () => {
    w.writeConfig(config(V3));
    await planJob('stale'); // reviewed: adds mail.
    w.writeConfig(config(V4));
    ok(await w.deploy()); // another deploy (adds cdn.) lands first
    const r = await nsbridge(['apply', path.join(stackDir(), 'stale.tfplan')], w.env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stale\.tfplan: stale plan: the state of stack e2e changed after this plan was made \(another deploy ran\); nothing of it was applied\. Plan again/);
    const names = await w.moto.boto<string[]>(
      [
        'c = boto3.client("route53", **kw)',
        'z = [z for z in c.list_hosted_zones()["HostedZones"] if z["Name"] == "nsb-pr-gd.com."][0]',
        'print(json.dumps(sorted(r["Name"] for r in c.list_resource_record_sets(HostedZoneId=z["Id"])["ResourceRecordSets"] if r["Type"] == "A")))',
      ].join('\n'),
    );
    expect(names).toEqual(['api.nsb-pr-gd.com.', 'cdn.nsb-pr-gd.com.', 'www.nsb-pr-gd.com.']);
  });
});

#!/usr/bin/env node
/**
 * Benchmark (issue #15): what a no-op plan of N delegated domains (2 stacks) costs with nsbridge,
 * against a plan of the same N zones without nsbridge, measured in the same run; and the
 * registrar requests per plan in each delegation source. Prints figures; asserts nothing.
 *
 * Under the end-to-end tools (OpenTofu + the AWS provider + moto from ~/.cache/nsbridge-tools,
 * the registrar emulators, the loopback DNS world: docs/e2e.md):
 *  1. deploy N domains (half GoDaddy, half Namecheap) in 2 stacks: `cdktf synth`, then the engine's
 *     `apply` in each stack directory;
 *  2. the baseline: a plain configuration of the same N zones (aws_route53_zone only), imported
 *     into its own state (import blocks: nothing created), then `tofu plan` timed;
 *  3. nsbridge, delegationSource dns: `tofu plan` of each stack, timed, registrar requests counted;
 *  4. nsbridge, delegationSource registrar: the same, requests counted (one read process per
 *     registrar account in the Terraform graph: GoDaddy answers with one batched listing,
 *     Namecheap, which has no list call with name servers, with one request per domain); then
 *     `nsbridge plan` (the state report), counted separately.
 *
 * Usage: npm run bench:plan [-- --domains 1000 --parallelism 50]
 * A 1,000-domain first deploy against moto takes long (the provider waits for each zone); the
 * plans are what is measured.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const DOMAINS = opt('domains', 1000);
const PARALLELISM = opt('parallelism', 50);

/** The e2e harness (TypeScript) bundled in memory, as for testing/ doubles. */
const loadHarness = () => require('./load-testing').loadFile(path.join(root, '__tests__', 'e2e', 'harness.ts'));

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const h = loadHarness();
  const missing = h.missingTools();
  if (missing.length) {
    console.error(`bench:plan: the e2e tools are missing (${missing.join(', ')}): bash scripts/e2e/install-tools.sh`);
    process.exit(2);
  }
  const names = Array.from({ length: DOMAINS }, (_, i) => `nsb-bench-${String(i).padStart(4, '0')}.com`);
  const w = await h.E2eWorld.start('bench-plan');
  const fail = (what, r) => {
    console.error(`bench:plan: ${what} failed: ${h.explain(r)}`);
    throw new Error(what);
  };
  try {
    for (const [i, d] of names.entries()) await w.addDomain(i % 2 ? 'namecheap' : 'godaddy', d);
    const config = (source) =>
      `version: 1\ndefaults: { delegationSource: ${source} }\nstacks:\n  one: {}\n  two: {}\ndomains:\n` +
      names.map((d, i) => `  - { name: ${d}, registrar: ${i % 2 ? 'namecheap' : 'godaddy'}, stack: ${i < DOMAINS / 2 ? 'one' : 'two'}, destroyPolicy: retain }\n`).join('');
    w.writeConfig(config('dns'));
    // DNS questions to the loopback world wait longer than the 2 s default: on a loaded machine
    // the world's own process answers late, and a pre-flight that times out fails that domain's set.
    w.extraEnv = { TF_CLI_ARGS_apply: `-parallelism=${PARALLELISM}`, TF_CLI_ARGS_plan: `-parallelism=${PARALLELISM}`, NSBRIDGE_DNS_TIMEOUT: '15s' };
    const tofu = (dir, argv, timeoutMs = 60 * 60_000) => h.run(path.join(h.TOOLS_DIR, 'bin', 'tofu'), argv, { cwd: dir, env: w.env(), logFile: w.logFile, timeoutMs });
    const stacks = ['one', 'two'].map((s) => path.join(w.dir, 'cdktf.out', 'stacks', s));
    const t0 = Date.now();
    let r = await w.cdktf(['synth']);
    if (r.code !== 0) fail('synth', r);
    // The engine itself, both stacks at once, as `cdktf deploy '*'` would run them: cdktf's own
    // rendering of a 500-domain plan's output is what takes long there, not the engine.
    await Promise.all(
      stacks.map(async (dir) => {
        const init = await tofu(dir, ['init', '-input=false', '-no-color']);
        if (init.code !== 0) fail(`init in ${dir}`, init);
        let apply = await tofu(dir, ['apply', '-input=false', '-no-color', '-auto-approve']);
        // A domain whose set failed (e.g. a DNS answer too late under load) is set by the next apply.
        if (apply.code !== 0) apply = await tofu(dir, ['apply', '-input=false', '-no-color', '-auto-approve']);
        if (apply.code !== 0) fail(`deploy in ${dir}`, apply);
      }),
    );
    console.log(`deploy of ${DOMAINS} domains (2 stacks, parallelism ${PARALLELISM}): ${seconds(Date.now() - t0)}`);

    // The baseline: the same zones, no nsbridge, imported into a state of their own.
    const zones = await w.moto.boto(
      ['c = boto3.client("route53", **kw)', 'p = c.get_paginator("list_hosted_zones")', 'print(json.dumps({z["Name"].rstrip("."): z["Id"].split("/")[-1] for page in p.paginate() for z in page["HostedZones"]}))'].join('\n'),
    );
    const base = path.join(w.dir, 'baseline');
    fs.mkdirSync(base);
    const resource = {};
    const imports = [];
    names.forEach((d, i) => {
      resource[`z${i}`] = { name: d, comment: 'Managed by nsbridge', force_destroy: false };
      imports.push({ to: `aws_route53_zone.z${i}`, id: zones[d] });
    });
    fs.writeFileSync(
      path.join(base, 'main.tf.json'),
      JSON.stringify({ terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } }, provider: { aws: [{ region: 'us-east-1' }] }, resource: { aws_route53_zone: resource }, import: imports }),
    );
    r = await tofu(base, ['init', '-input=false', '-no-color']);
    if (r.code !== 0) fail('baseline init', r);
    r = await tofu(base, ['apply', '-input=false', '-no-color', '-auto-approve']);
    if (r.code !== 0) fail('baseline import', r);
    const plan = async (dir) => {
      const res = await tofu(dir, ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode']);
      if (res.code === 1) fail(`plan in ${dir}`, res);
      return res;
    };
    const baseline = await plan(base);
    console.log(`baseline: no-op plan of the same ${DOMAINS} zones without nsbridge: ${seconds(baseline.ms)} (exit ${baseline.code})`);

    /** Plans each directory, one after the other: the summed time and the exit codes. */
    const planEach = async (dirs) => {
      let ms = 0;
      const codes = [];
      for (const dir of dirs) {
        const res = await plan(dir);
        ms += res.ms;
        codes.push(res.code);
      }
      return { ms, codes };
    };
    const planStacks = async (label) => {
      w.resetLogs();
      const { ms, codes } = await planEach(stacks);
      const requests = w.godaddy.http.requests.length + w.namecheap.http.requests.length;
      console.log(`${label}: no-op plan of ${DOMAINS} delegated domains (2 stacks, one after the other): ${seconds(ms)} (exit ${codes.join(', ')}), ${(ms / baseline.ms).toFixed(2)}x the baseline; registrar requests: ${requests} (GoDaddy ${w.godaddy.http.requests.length}, Namecheap ${w.namecheap.http.requests.length})`);
      return { ms, requests };
    };
    await planStacks('nsbridge, delegationSource dns');

    // What is left when the reads cost nothing: the same stacks and states with every plan-time
    // read replaced by the value it returns when nothing drifted (a diagnostic, not a target: it
    // tells the engine's cost of nsbridge's objects, 3 terraform_data per domain, from the reads').
    const withoutReads = stacks.map((dir) => {
      const copy = `${dir}-without-reads`;
      fs.mkdirSync(copy);
      for (const f of fs.readdirSync(dir)) if (f !== '.terraform') fs.cpSync(path.join(dir, f), path.join(copy, f), { recursive: true });
      fs.symlinkSync(path.join(dir, '.terraform'), path.join(copy, '.terraform'));
      const tf = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
      delete tf.data.external;
      if (Object.keys(tf.data).length === 0) delete tf.data;
      delete tf.locals;
      for (const r of Object.values(tf.resource.terraform_data)) {
        if (r.triggers_replace?.repair) r.triggers_replace.repair = 'none';
        if (r.triggers_replace?.recorded) r.triggers_replace.recorded = 'true';
        if (r.input?.name_servers?.startsWith?.('${try(local.')) r.input.name_servers = '';
      }
      const text = JSON.stringify(tf);
      if (text.includes('local.') || text.includes('data.external')) throw new Error('bench:plan: a read is left in the copy without reads');
      fs.writeFileSync(path.join(copy, 'cdk.tf.json'), text);
      return copy;
    });
    {
      const { ms, codes } = await planEach(withoutReads);
      console.log(`diagnostic: the same stacks with the plan-time reads replaced by their no-drift values: ${seconds(ms)} (exit ${codes.join(', ')}), ${(ms / baseline.ms).toFixed(2)}x the baseline`);
    }

    w.writeConfig(config('registrar'));
    r = await w.cdktf(['synth']);
    if (r.code !== 0) fail('synth (registrar)', r);
    await planStacks('nsbridge, delegationSource registrar');
    w.resetLogs();
    r = await h.run(process.execPath, [path.join(root, 'bin', 'nsbridge.js'), 'plan', '--format', 'json'], { cwd: w.dir, env: w.env(), logFile: w.logFile });
    console.log(
      `nsbridge plan (state report), registrar mode: ${seconds(r.ms)}, registrar requests: GoDaddy ${w.godaddy.http.requests.length} (batched listing: one per account), Namecheap ${w.namecheap.http.requests.length} (no list call: one per domain)`,
    );
  } finally {
    await w.close(process.env.NSBRIDGE_E2E_KEEP === '1');
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});

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
 *     into its own state (import blocks: nothing created); and the same zones split into the same
 *     2 stacks, each a plain configuration of its own;
 *  3. the engine's floor: the baseline's zones plus 2, then 3, bare terraform_data per domain
 *     (created once): what any design with that many objects per delegation costs;
 *  4. nsbridge, delegationSource dns: `tofu plan` of each stack, registrar requests counted; and a
 *     diagnostic copy of the stacks with the plan-time reads replaced by their no-drift values;
 *     2-4 are planned --rounds times (default 3), interleaved, and compared by their medians;
 *  5. nsbridge, delegationSource registrar: the same, requests counted (one read process per
 *     registrar account in the Terraform graph: GoDaddy answers with one batched listing,
 *     Namecheap, which has no list call with name servers, with one request per domain); then
 *     `nsbridge plan` (the state report), counted separately.
 *
 * Usage: npm run bench:plan [-- --domains 1000 --parallelism 50 --rounds 3 [--hold]]
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
const ROUNDS = opt('rounds', 3);

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
  /** The stack of the i-th domain: the nsbridge stacks and the plain 2-stack split share it. */
  const stackOf = (i) => (i < DOMAINS / 2 ? 'one' : 'two');
  const w = await h.E2eWorld.start('bench-plan');
  const fail = (what, r) => {
    console.error(`bench:plan: ${what} failed: ${h.explain(r)}`);
    throw new Error(what);
  };
  try {
    for (const [i, d] of names.entries()) await w.addDomain(i % 2 ? 'namecheap' : 'godaddy', d);
    const config = (source) =>
      `version: 1\ndefaults: { delegationSource: ${source} }\nstacks:\n  one: {}\n  two: {}\ndomains:\n` +
      names.map((d, i) => `  - { name: ${d}, registrar: ${i % 2 ? 'namecheap' : 'godaddy'}, stack: ${stackOf(i)}, destroyPolicy: retain }\n`).join('');
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
    /** A plain configuration of the zones of the domains `keep(i)` picks (no nsbridge), imported into a state of its own. */
    const plainZones = async (name, keep) => {
      const dir = path.join(w.dir, name);
      fs.mkdirSync(dir);
      const resource = {};
      const imports = [];
      names.forEach((d, i) => {
        if (!keep(i)) return;
        resource[`z${i}`] = { name: d, comment: 'Managed by nsbridge', force_destroy: false };
        imports.push({ to: `aws_route53_zone.z${i}`, id: zones[d] });
      });
      fs.writeFileSync(
        path.join(dir, 'main.tf.json'),
        JSON.stringify({ terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } }, provider: { aws: [{ region: 'us-east-1' }] }, resource: { aws_route53_zone: resource }, import: imports }),
      );
      let res = await tofu(dir, ['init', '-input=false', '-no-color']);
      if (res.code !== 0) fail(`init in ${dir}`, res);
      res = await tofu(dir, ['apply', '-input=false', '-no-color', '-auto-approve']);
      if (res.code !== 0) fail(`import in ${dir}`, res);
      return dir;
    };
    const base = await plainZones('baseline', () => true);
    // The same zones split as the nsbridge stacks are: what the user's choice of 2 stacks costs alone.
    const baseSplit = [await plainZones('baseline-one', (i) => stackOf(i) === 'one'), await plainZones('baseline-two', (i) => stackOf(i) === 'two')];
    const plan = async (dir) => {
      const res = await tofu(dir, ['plan', '-input=false', '-no-color', '-lock=false', '-detailed-exitcode']);
      if (res.code === 1) fail(`plan in ${dir}`, res);
      return res;
    };

    // The engine's floor: the baseline's zones plus K bare terraform_data per domain (no reads, no
    // provisioners, no nsbridge code), created once, then planned like the rest. It tells what any
    // design with K Terraform objects per delegation costs before it does anything. K = 2: the
    // fewest a delegation with drift repair and a destroy policy can have (a writer replaced to
    // write, and a release guard never replaced but for a new domain); K = 3: nsbridge's count
    // (the writer, the guard, the record of the previous name servers).
    const floors = [2, 3].map((k) => {
      const dir = path.join(w.dir, `floor-${k}`);
      fs.mkdirSync(dir);
      const tf = JSON.parse(fs.readFileSync(path.join(base, 'main.tf.json'), 'utf8'));
      delete tf.import;
      const data = {};
      for (const [id, zone] of Object.entries(tf.resource.aws_route53_zone)) {
        const ns = `\${sort(aws_route53_zone.${id}.name_servers)}`;
        data[`${id}_writer`] = { triggers_replace: { domain: zone.name, name_servers: ns }, lifecycle: { create_before_destroy: true } };
        data[`${id}_guard`] = { triggers_replace: { domain: zone.name }, input: { domain: zone.name, name_servers: ns } };
        if (k === 3) data[`${id}_record`] = { triggers_replace: { domain: zone.name }, input: { name_servers: '' }, lifecycle: { ignore_changes: ['input'] } };
      }
      tf.resource.terraform_data = data;
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(tf));
      fs.copyFileSync(path.join(base, 'terraform.tfstate'), path.join(dir, 'terraform.tfstate'));
      fs.copyFileSync(path.join(base, '.terraform.lock.hcl'), path.join(dir, '.terraform.lock.hcl'));
      fs.symlinkSync(path.join(base, '.terraform'), path.join(dir, '.terraform'));
      return { k, dir };
    });
    for (const { dir } of floors) {
      r = await tofu(dir, ['apply', '-input=false', '-no-color', '-auto-approve']);
      if (r.code !== 0) fail(`floor apply in ${dir}`, r);
    }

    // What is left when the reads cost nothing: the same stacks and states with every plan-time
    // read replaced by the value it returns when nothing drifted (a diagnostic, not a target: it
    // tells the engine's cost of nsbridge's objects from the reads').
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
    // Every plan ROUNDS times, interleaved (moto's speed drifts over a run), medians compared.
    const measures = [
      { label: `baseline: the same ${DOMAINS} zones without nsbridge (one configuration)`, dirs: [base] },
      { label: 'the same zones without nsbridge in the same 2 stacks (one after the other)', dirs: baseSplit },
      ...floors.map(({ k, dir }) => ({ label: `floor: the same zones + ${k} bare terraform_data per domain (one configuration, no reads, no provisioners)`, dirs: [dir] })),
      { label: `nsbridge, delegationSource dns: ${DOMAINS} delegated domains (2 stacks, one after the other)`, dirs: stacks, countRequests: true },
      { label: 'diagnostic: the same 2 stacks with the plan-time reads replaced by their no-drift values', dirs: withoutReads },
    ];
    for (const m of measures) Object.assign(m, { runs: [], codes: new Set(), requests: [] });
    for (let round = 0; round < ROUNDS; round++) {
      for (const m of measures) {
        w.resetLogs();
        const { ms, codes } = await planEach(m.dirs);
        m.runs.push(ms);
        codes.forEach((c) => m.codes.add(c));
        if (m.countRequests) m.requests.push(w.godaddy.http.requests.length + w.namecheap.http.requests.length);
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const baseMs = median(measures[0].runs);
    console.log(`no-op plans, ${ROUNDS} rounds each, interleaved (median, then every run):`);
    for (const m of measures) {
      const requests = m.countRequests ? `; registrar requests per plan: ${m.requests.join(', ')}` : '';
      console.log(`  ${m.label}: ${seconds(median(m.runs))} = ${(median(m.runs) / baseMs).toFixed(2)}x the baseline [${m.runs.map(seconds).join(', ')}] (exit ${[...m.codes].join(', ')})${requests}`);
    }
    if (args.includes('--hold')) await holdForExperiments(w, stacks, base);

    w.writeConfig(config('registrar'));
    r = await w.cdktf(['synth']);
    if (r.code !== 0) fail('synth (registrar)', r);
    w.resetLogs();
    {
      const { ms, codes } = await planEach(stacks);
      const gd = w.godaddy.http.requests.length;
      const nc = w.namecheap.http.requests.length;
      console.log(`nsbridge, delegationSource registrar: one no-op plan of the 2 stacks: ${seconds(ms)} = ${(ms / baseMs).toFixed(2)}x the baseline's median (exit ${codes.join(', ')}); registrar requests: ${gd + nc} (GoDaddy ${gd}, Namecheap ${nc})`);
    }
    w.resetLogs();
    r = await h.run(process.execPath, [path.join(root, 'bin', 'nsbridge.js'), 'plan', '--format', 'json'], { cwd: w.dir, env: w.env(), logFile: w.logFile });
    console.log(
      `nsbridge plan (state report), registrar mode: ${seconds(r.ms)}, registrar requests: GoDaddy ${w.godaddy.http.requests.length} (batched listing: one per account), Namecheap ${w.namecheap.http.requests.length} (no list call: one per domain)`,
    );
  } finally {
    await w.close(process.env.NSBRIDGE_E2E_KEEP === '1');
  }
}

/** How long `--hold` keeps the world up at the most, and how often it says it is still holding. */
const HOLD_MAX_MS = 60 * 60_000;
const HOLD_REMINDER_MS = 60_000;

/**
 * `--hold`: keeps the deployed world (moto, emulators, loopback DNS) up after the measured plans, so
 * a developer can time engine experiments against real state: the environment the plans ran with
 * (less the registrar credentials) is written to <world>/bench-env.json; the bench goes on when
 * <world>/go-on exists, or after an hour (a forgotten hold must not keep moto and the emulators up
 * for good).
 */
async function holdForExperiments(w, stacks, base) {
  // Without the emulators' registrar credentials: a dns-mode plan needs none, and a credential
  // belongs in no file (moto's fixed "test" AWS keys are not secrets).
  const secrets = new Set(w.secrets());
  const env = Object.fromEntries(Object.entries(w.env()).filter(([, v]) => !secrets.has(v)));
  const envFile = path.join(w.dir, 'bench-env.json');
  fs.writeFileSync(envFile, JSON.stringify(env, null, 1), { mode: 0o600 });
  const goOn = path.join(w.dir, 'go-on');
  console.log(`--hold: stacks ${stacks.join(' ')}, baseline ${base}; environment in ${envFile}; touch ${goOn} to go on (at the latest in ${HOLD_MAX_MS / 60_000} minutes)`);
  const t0 = Date.now();
  let reminded = t0;
  while (!fs.existsSync(goOn)) {
    const now = Date.now();
    if (now - t0 >= HOLD_MAX_MS) {
      console.log(`--hold: ${HOLD_MAX_MS / 60_000} minutes are up; going on`);
      return;
    }
    if (now - reminded >= HOLD_REMINDER_MS) {
      reminded = now;
      console.log(`--hold: still holding (${Math.round((now - t0) / 60_000)} of ${HOLD_MAX_MS / 60_000} minutes); touch ${goOn} to go on`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});

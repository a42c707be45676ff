/**
 * The example CI pipelines (examples/ci, docs/ci.md) are validated, not read by eye:
 * - GitHub's own workflow parser and SchemaStore's workflow schema accept the GitHub workflow,
 *   and GitLab's CI schema accepts the GitLab file; broken copies (a typo'd key, a missing
 *   runs-on, a bad value) are refused, so the validators demonstrably work;
 * - the nsbridge-specific properties hold: plan on pull/merge requests (diff, `nsbridge plan
 *   --format markdown`, one sticky comment), deploy only from main behind the production
 *   environment, nightly drift with --expect-no-changes, OIDC where AWS is used, registrar
 *   credentials only as secret references and only under names the registrar catalog knows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRARS } from '../../registrar-adapters/catalog';
import { allGithubProblems, allGitlabProblems, githubWorkflowProblems, parseYaml } from './validators';

const ROOT = join(__dirname, '..', '..');
const GITHUB_FILE = join(ROOT, 'examples', 'ci', 'github', 'nsbridge.yml');
const GITLAB_FILE = join(ROOT, 'examples', 'ci', 'gitlab', '.gitlab-ci.yml');
const DNSSEC_FILE = join(ROOT, 'examples', 'ci', 'github', 'nsbridge-dnssec.yml');
const dnssecText = readFileSync(DNSSEC_FILE, 'utf8');
const githubText = readFileSync(GITHUB_FILE, 'utf8');
const gitlabText = readFileSync(GITLAB_FILE, 'utf8');
const gh = parseYaml(githubText, 'nsbridge.yml').value;
const gl = parseYaml(gitlabText, '.gitlab-ci.yml').value;

// The registrar catalog: every credential variable, and which of them are not secrets.
const credentials = new Map<string, { registrar: string; public: boolean }>();
for (const info of Object.values(REGISTRARS)) {
  for (const c of info.credentials) credentials.set(c.env, { registrar: info.id, public: c.public === true });
}
// Variable names that look like a registrar's (its id as a prefix), known to the catalog or not.
const registrarPrefixes = Object.keys(REGISTRARS).map((id) => id.toUpperCase() + '_');
const looksLikeRegistrarVariable = (name: string) => registrarPrefixes.some((p) => name.startsWith(p));

/** Replaces exactly one occurrence, so a mutation can never silently do nothing. */
function mutate(text: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'g')) ?? []).length;
  if (count < 1) throw new Error(`mutation target not found: ${from}`);
  const out = text.replace(from, to);
  expect(out).not.toBe(text);
  return out;
}

const messages = (ps: { message: string }[]) => ps.map((p) => p.message).join('\n');

// ------------------------------------------------------------------------------------------------
describe('GitHub Actions workflow: valid for GitHub', () => {
  test('GitHub\'s workflow parser and the SchemaStore schema accept it', async () => {
    const problems = await allGithubProblems(githubText);
    expect(messages(problems)).toBe('');
  });

  test.each([
    ['a typo\'d runs-on', (t: string) => mutate(t, /runs-on: ubuntu-latest\n    timeout-minutes: 150 # up/, 'runs-onn: ubuntu-latest\n    timeout-minutes: 150 # up'), /runs-onn|runs-on/],
    ['a missing runs-on', (t: string) => mutate(t, /    runs-on: ubuntu-latest\n    timeout-minutes: 150 # up/, '    timeout-minutes: 150 # up'), /runs-on/],
    ['an unknown trigger', (t: string) => mutate(t, '  workflow_dispatch: {}', '  workflow_dispach: {}'), /workflow_dispach/],
    ['a bad permission level', (t: string) => mutate(t, 'pull-requests: write #', 'pull-requests: writ #'), /writ/],
    ['a step with both run and uses', (t: string) => mutate(t, '      - run: npx cdktf synth\n      - name: Plan every stack', '      - run: npx cdktf synth\n        uses: actions/checkout@v5\n      - name: Plan every stack'), /.+/],
  ])('refuses a copy with %s (both validators)', async (_what, broken, pattern) => {
    const text = broken(githubText);
    const parser = await githubWorkflowProblems(text);
    expect(messages(parser)).toMatch(pattern);
    const all = await allGithubProblems(text);
    // The schema refuses it too: more problems than the parser alone found.
    expect(all.length).toBeGreaterThan(parser.length);
  });

  test('refuses an expression naming an unknown context (GitHub\'s parser only)', async () => {
    const text = mutate(githubText, '${{ secrets.GODADDY_API_KEY }}', '${{ secret.GODADDY_API_KEY }}');
    expect(messages(await githubWorkflowProblems(text))).toMatch(/Unrecognized named-value: 'secret'/);
  });

  test('refuses a duplicated key (strict YAML)', async () => {
    const text = mutate(githubText, '      - run: npm ci\n', '      - run: npm ci\n        run: npm install\n');
    expect(messages(await allGithubProblems(text))).toMatch(/[Dd]uplicate|unique/);
  });
});

// ------------------------------------------------------------------------------------------------
describe('GitHub Actions workflow: what it does', () => {
  const jobs = gh.jobs as Record<string, any>;
  const runs = (job: any): string => job.steps.filter((s: any) => s.run).map((s: any) => s.run).join('\n');
  const stepIndex = (job: any, pred: (s: any) => boolean) => {
    const i = job.steps.findIndex(pred);
    expect(i).toBeGreaterThanOrEqual(0);
    return i;
  };
  const uses = (name: string) => (s: any) => typeof s.uses === 'string' && s.uses.startsWith(name + '@');
  const runMatches = (re: RegExp) => (s: any) => typeof s.run === 'string' && re.test(s.run);

  test('triggers: pull requests, pushes to main, a nightly schedule and by hand', () => {
    expect(Object.keys(gh.on).sort()).toEqual(['pull_request', 'push', 'schedule', 'workflow_dispatch']);
    expect(gh.on.push.branches).toEqual(['main']);
    expect(gh.on.schedule).toHaveLength(1);
    const cron = gh.on.schedule[0].cron.split(/\s+/);
    expect(cron).toHaveLength(5);
    expect(cron.slice(2)).toEqual(['*', '*', '*']); // every day
  });

  test('no permission by default; each job asks for its own, least privilege', () => {
    expect(gh.permissions).toEqual({});
    expect(Object.keys(jobs).sort()).toEqual(['deploy', 'plan']);
    expect(jobs.plan.permissions).toEqual({ contents: 'read', 'id-token': 'write', 'pull-requests': 'write' });
    expect(jobs.deploy.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  test('every job: checkout, Node 22+ with the npm cache, npm ci, OpenTofu without its wrapper, the provider cache, AWS by OIDC, in that order', () => {
    for (const [id, job] of Object.entries(jobs)) {
      const order = [
        stepIndex(job, uses('actions/checkout')),
        stepIndex(job, uses('actions/setup-node')),
        stepIndex(job, runMatches(/^npm ci$/)),
        stepIndex(job, uses('opentofu/setup-opentofu')),
        stepIndex(job, uses('actions/cache')),
        stepIndex(job, uses('aws-actions/configure-aws-credentials')),
        stepIndex(job, runMatches(/npx (cdktf synth|nsbridge apply)/)),
      ];
      expect({ id, order }).toEqual({ id, order: [...order].sort((a, b) => a - b) });
      const node = job.steps.find(uses('actions/setup-node'));
      expect(node.with).toMatchObject({ 'node-version': '${{ env.NODE_VERSION }}', cache: 'npm' });
      const tofu = job.steps.find(uses('opentofu/setup-opentofu'));
      expect(tofu.with.tofu_wrapper).toBe(false); // the wrapper rewrites output cdktf parses
      expect(tofu.with.tofu_version).toBe('${{ env.TOFU_VERSION }}'); // one version for every job
      const cache = job.steps.find(uses('actions/cache'));
      expect(cache.with.path).toBe('.tofu-plugin-cache');
      expect(cache.with.key).toMatch(/hashFiles\('locks\/\*\.terraform\.lock\.hcl'\)/);
      expect(runs(job)).not.toMatch(/npm install|npm i\b/);
    }
    expect(gh.env.NODE_VERSION).toBeGreaterThanOrEqual(22); // Node 20 is end of life on 2026-04-30
    expect(Number(String(gh.env.TOFU_VERSION).split('.')[1])).toBeGreaterThanOrEqual(10); // S3 lock file
    expect(gh.env.TF_PLUGIN_CACHE_DIR).toBe('${{ github.workspace }}/.tofu-plugin-cache');
    // cdktf calls the binary named here.
    expect(gh.env.TERRAFORM_BINARY_NAME).toBe('tofu');
  });

  test('OIDC: id-token: write exactly where AWS credentials are configured, with a role from a variable', () => {
    for (const [id, job] of Object.entries(jobs)) {
      const aws = job.steps.filter(uses('aws-actions/configure-aws-credentials'));
      expect({ id, oidc: job.permissions['id-token'] === 'write' }).toEqual({ id, oidc: aws.length > 0 });
      for (const step of aws) {
        expect(step.with['role-to-assume']).toMatch(/^\$\{\{ vars\.[A-Z0-9_]+ \}\}$/);
        expect(step.with).not.toHaveProperty('aws-access-key-id');
        expect(step.with).not.toHaveProperty('aws-secret-access-key');
      }
    }
  });

  test('actions are pinned to a major version or a commit SHA', () => {
    const all = Object.values(jobs).flatMap((j: any) => j.steps.filter((s: any) => s.uses).map((s: any) => s.uses));
    expect(all.length).toBeGreaterThan(10);
    for (const u of all) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/);
  });

  test('plan: saved plans per stack with the committed lock file, the DNS review, the artifact, one sticky comment', () => {
    const plan = jobs.plan;
    expect(plan.if).toMatch(/github\.event_name == 'pull_request' && github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    expect(plan.if).toMatch(/github\.event_name == 'push'/); // main: the plan the deploy applies
    expect(plan.concurrency.group).toMatch(/\$\{\{ github\.ref \}\}/);
    expect(plan.concurrency['cancel-in-progress']).toBe(false);
    const synth = stepIndex(plan, runMatches(/^npx cdktf synth$/));
    const plans = stepIndex(plan, runMatches(/tofu -chdir="\$dir" plan -input=false -out=plan\.tfplan/));
    const review = stepIndex(plan, runMatches(/npx nsbridge plan --plan cdktf\.out\/stacks\/\*\/plan\.json --format markdown --artifact .* > review\.md/));
    const artifact = stepIndex(plan, uses('actions/upload-artifact'));
    const comment = stepIndex(plan, uses('actions/github-script'));
    expect([synth, plans, review, artifact, comment]).toEqual([synth, plans, review, artifact, comment].sort((a, b) => a - b));
    const planRun: string = plan.steps[plans].run;
    expect(planRun).toMatch(/cdktf\.out\/manifest\.json/); // every synthesized stack
    expect(planRun).toMatch(/cp "locks\/\$stack\.terraform\.lock\.hcl" "\$dir\/\.terraform\.lock\.hcl"/);
    expect(planRun).toMatch(/init -input=false -lockfile=readonly/);
    expect(planRun).toMatch(/show -json plan\.tfplan > "\$dir\/plan\.json"/);
    const kept: string = plan.steps[artifact].with.path;
    expect(kept.split('\n').filter(Boolean)).toEqual(['cdktf.out/', '!cdktf.out/stacks/*/.terraform/', 'review.md', 'review.json', 'review.txt']);
    expect(plan.steps[artifact].with.name).toBe('nsbridge-plan');
    const script: string = plan.steps[comment].with.script;
    expect(plan.steps[comment].if).toMatch(/!cancelled\(\) && github\.event_name == 'pull_request'/);
    expect(script).toMatch(/readFileSync\('review\.md'/);
    expect(script).toMatch(/<!-- nsbridge-plan -->/);
    expect(script).toMatch(/65536/);
    expect(script).toMatch(/github\.paginate\(github\.rest\.issues\.listComments/);
    expect(script).toMatch(/github\.rest\.issues\.updateComment/);
    expect(script).toMatch(/github\.rest\.issues\.createComment/);
  });

  test('deploy: after the plan job, pushes to main only, behind production, applies exactly the artifact\'s plan files', () => {
    const deploy = jobs.deploy;
    expect(deploy.needs).toBe('plan');
    expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(deploy.environment).toBe('production');
    expect(deploy.concurrency['cancel-in-progress']).toBe(false);
    expect(deploy.concurrency.group).not.toMatch(/github\.ref|run_id/); // one group for all deploys
    const download = stepIndex(deploy, uses('actions/download-artifact'));
    const apply = stepIndex(deploy, runMatches(/npx nsbridge apply cdktf\.out\/stacks\/\*\/plan\.tfplan/));
    expect(download).toBeLessThan(apply);
    expect(deploy.steps[download].with.name).toBe('nsbridge-plan');
    expect(deploy.steps[apply].run).toMatch(/init -input=false -lockfile=readonly/);
    expect(runs(deploy)).not.toMatch(/cdktf (deploy|synth)|tofu[^\n]* plan /); // never re-plans
    expect(jobs.plan.environment).toBeUndefined();
    expect(runs(jobs.plan)).not.toMatch(/cdktf deploy|cdktf destroy|--auto-approve|nsbridge apply|tofu[^\n]* apply/);
  });

  test('nightly drift: the plan job with --expect-no-changes, the review on the summary page, fails on changes', () => {
    const plan = jobs.plan;
    expect(plan.if).toMatch(/github\.event_name == 'schedule'/);
    const check = stepIndex(plan, runMatches(/npx nsbridge plan --plan cdktf\.out\/stacks\/\*\/plan\.json --expect-no-changes/));
    expect(plan.steps[check].if).toMatch(/github\.event_name == 'schedule'/);
    const run: string = plan.steps[check].run;
    expect(run).toMatch(/exit "\$status"/);
    expect(run).not.toMatch(/\|\| true/);
    expect(runs(plan)).toMatch(/cat review\.md >> "\$GITHUB_STEP_SUMMARY"/);
  });

  test('state lock waits match the longest deploy', () => {
    const minutes = (args: string) => Number(/-lock-timeout=(\d+)m/.exec(args)![1]);
    expect(minutes(gh.env.TF_CLI_ARGS_plan)).toBeGreaterThanOrEqual(120);
    expect(minutes(gh.env.TF_CLI_ARGS_apply)).toBeGreaterThanOrEqual(120);
    // ...and every job outlives its wait.
    for (const job of Object.values(jobs)) expect(job['timeout-minutes']).toBeGreaterThan(minutes(gh.env.TF_CLI_ARGS_plan));
  });

  test('registrar credentials: secret references only, catalog names only, only on the steps that need them', () => {
    const seen = new Set<string>();
    const check = (env: Record<string, unknown> | undefined, where: string) => {
      for (const [name, value] of Object.entries(env ?? {})) {
        if (!looksLikeRegistrarVariable(name) && !credentials.has(name)) continue;
        expect({ where, name, known: credentials.has(name) }).toEqual({ where, name, known: true });
        const spec = credentials.get(name)!;
        const allowed = spec.public ? new RegExp(`^\\$\\{\\{ (secrets|vars)\\.${name} \\}\\}$`) : new RegExp(`^\\$\\{\\{ secrets\\.${name} \\}\\}$`);
        expect({ where, name, value }).toEqual({ where, name, value: expect.stringMatching(allowed) });
        seen.add(name);
      }
    };
    // Not at workflow or job level: actions (checkout, setup-node, ...) would receive them too.
    for (const name of Object.keys(gh.env)) expect(credentials.has(name) || looksLikeRegistrarVariable(name)).toBe(false);
    for (const [id, job] of Object.entries(jobs)) {
      expect(job.env).toBeUndefined();
      for (const [i, step] of job.steps.entries()) {
        check(step.env, `${id}.steps[${i}]`);
        // Only the step that writes: plan jobs run with no registrar secret at all.
        const needs = typeof step.run === 'string' && /npx (cdktf deploy|nsbridge apply)/.test(step.run);
        const has = Object.keys(step.env ?? {}).some((n) => credentials.has(n));
        expect({ id, step: step.name ?? step.run ?? step.uses, has }).toEqual({ id, step: step.name ?? step.run ?? step.uses, has: needs });
      }
    }
    // Two or three registrars shown, each with all of its required credentials.
    const registrars = new Set([...seen].map((n) => credentials.get(n)!.registrar));
    expect(registrars.size).toBeGreaterThanOrEqual(2);
    for (const id of registrars) {
      for (const c of REGISTRARS[id as keyof typeof REGISTRARS].credentials) if (!c.optional) expect(seen).toContain(c.env);
    }
    // Every secret the workflow reads anywhere is a registrar credential (no literal value can hide
    // behind another name); GITHUB_TOKEN is never needed explicitly.
    for (const m of githubText.matchAll(/secrets\.([A-Za-z0-9_]+)/g)) expect(credentials.has(m[1])).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------
describe('GitLab CI pipeline: valid for GitLab', () => {
  test('GitLab\'s CI schema accepts it', () => {
    expect(messages(allGitlabProblems(gitlabText))).toBe('');
  });

  test.each([
    ['a typo\'d script', (t: string) => mutate(t, '  timeout: 2h30m\n  script:\n    # Exactly', '  timeout: 2h30m\n  scirpt:\n    # Exactly'), /\/deploy must NOT have additional properties: scirpt/],
    ['a bad when', (t: string) => mutate(t, '      when: manual', '      when: manul'), /\/deploy\/rules\/0\/when must be equal to one of the allowed values/],
    ['a typo\'d rules if', (t: string) => mutate(t, '  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event"\n    - if: $CI_COMMIT_BRANCH', '  rules:\n    - iff: $CI_PIPELINE_SOURCE == "merge_request_event"\n    - if: $CI_COMMIT_BRANCH'), /iff/],
    ['a typo\'d resource_group', (t: string) => mutate(t, '  resource_group: nsbridge-production', '  resouce_group: nsbridge-production'), /resouce_group/],
    ['artifacts kept at a bad time', (t: string) => mutate(t, '    when: always\n    expose_as: nsbridge plan', '    when: allways\n    expose_as: nsbridge plan'), /\/plan\/artifacts\/when must be equal to one of the allowed values/],
    ['a bad YAML alias', (t: string) => mutate(t, '    - *plan-every-stack\n  after_script', '    - *plan-every-stak\n  after_script'), /plan-every-stak|[Aa]lias/],
  ])('refuses a copy with %s', (_what, broken, pattern) => {
    const problems = allGitlabProblems(broken(gitlabText));
    expect(problems.length).toBeGreaterThan(0);
    expect(messages(problems)).toMatch(pattern);
  });
});

// ------------------------------------------------------------------------------------------------
describe('GitLab CI pipeline: what it does', () => {
  const script = (job: any): string => [job.before_script ?? [], job.script ?? []].flat(10).join('\n');
  const template = gl['.nsbridge'];
  const jobIds = ['plan', 'deploy', 'drift', 'dnssec-advance'];

  test('pipelines for merge requests, the default branch, schedules and by hand only', () => {
    const ifs = gl.workflow.rules.map((r: any) => r.if);
    expect(ifs).toContain('$CI_PIPELINE_SOURCE == "merge_request_event"');
    expect(ifs).toContain('$CI_PIPELINE_SOURCE == "schedule"');
    expect(ifs).toContain('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"');
  });

  test('every job: Node 22, npm ci, OpenTofu checked against its checksums, the provider cache, AWS by OIDC (id_tokens with an audience)', () => {
    for (const id of jobIds) expect(gl[id].extends).toBe('.nsbridge');
    expect(template.image).toMatch(/^node:22\b/);
    expect(gl.variables.TF_PLUGIN_CACHE_DIR).toBe('$CI_PROJECT_DIR/.tofu-plugin-cache');
    expect(template.cache).toContainEqual({ key: { prefix: 'tofu-providers', files: ['locks/*.terraform.lock.hcl'] }, paths: ['.tofu-plugin-cache/'] });
    expect(template.id_tokens.AWS_ID_TOKEN.aud).toMatch(/^https:\/\//);
    const before = script(template);
    expect(before).toMatch(/AWS_WEB_IDENTITY_TOKEN_FILE/);
    expect(before).toMatch(/"\$AWS_ID_TOKEN" > \/tmp\/aws-web-identity-token/);
    expect(before).toMatch(/AWS_ROLE_ARN="\$NSBRIDGE_AWS_ROLE_ARN"/);
    expect(before).toMatch(/sha256sum -c/);
    expect(before).toMatch(/npm ci/);
    expect(gl.variables.TERRAFORM_BINARY_NAME).toBe('tofu');
    expect(Number(String(gl.variables.TOFU_VERSION).split('.')[1])).toBeGreaterThanOrEqual(10);
    // Each job names its role through a variable, never a literal ARN.
    for (const id of jobIds) expect(gl[id].variables.NSBRIDGE_AWS_ROLE_ARN).toMatch(/^\$NSBRIDGE_[A-Z]+_ROLE_ARN$/);
    expect(gitlabText).not.toMatch(/arn:aws:/);
    // A killed plan or deploy can leave the state lock behind.
    expect(template.interruptible).toBe(false);
  });

  test('plan (merge requests and the default branch): saved plans with the committed lock file, the review, one MR note, the plans as artifacts', () => {
    const plan = gl.plan;
    expect(plan.rules).toEqual([
      { if: '$CI_PIPELINE_SOURCE == "merge_request_event"' },
      { if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"' },
    ]);
    const s = script(plan);
    expect(s).toMatch(/npx cdktf synth[\s\S]*cp "locks\/\$stack\.terraform\.lock\.hcl"[\s\S]*init -input=false -lockfile=readonly[\s\S]*plan -input=false -out=plan\.tfplan[\s\S]*show -json plan\.tfplan/);
    expect(s).toMatch(/npx nsbridge plan --plan cdktf\.out\/stacks\/\*\/plan\.json --format markdown --artifact .* > review\.md/);
    const post: string = plan.after_script.join('\n');
    expect(post).toMatch(/<!-- nsbridge-plan -->/);
    expect(post).toMatch(/readFileSync\('review\.md'/);
    expect(post).toMatch(/merge_requests\/\$\{env\.CI_MERGE_REQUEST_IID\}\/notes/);
    expect(post).toMatch(/'PRIVATE-TOKEN': token/);
    expect(post).toMatch(/method: mine \? 'PUT' : 'POST'/);
    expect(post).toMatch(/process\.env\.NSBRIDGE_GITLAB_TOKEN/);
    expect(plan.artifacts).toMatchObject({ when: 'always', paths: ['review.md', 'review.json', 'review.txt', 'cdktf.out/'], exclude: ['cdktf.out/stacks/*/.terraform/**/*'] });
  });

  test('deploy: default branch only, by hand, after the plan job, applies exactly its plan files, one at a time', () => {
    const deploy = gl.deploy;
    expect(deploy.rules).toEqual([{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"', when: 'manual' }]);
    expect(deploy.needs).toEqual(['plan']);
    expect(deploy.environment.name).toBe('production');
    expect(deploy.resource_group).toBeTruthy();
    expect(deploy.script.join('\n')).toMatch(/init -input=false -lockfile=readonly[\s\S]*npx nsbridge apply cdktf\.out\/stacks\/\*\/plan\.tfplan$/);
    expect(deploy.script.join('\n')).not.toMatch(/cdktf (deploy|synth)| plan /); // never re-plans
    expect(script(gl.plan) + script(gl.drift)).not.toMatch(/cdktf deploy|cdktf destroy|--auto-approve|nsbridge apply/);
  });

  test('drift: scheduled pipelines, the plan with --expect-no-changes, fails on changes, review kept', () => {
    const drift = gl.drift;
    expect(drift.rules.map((r: any) => r.if)).toContain('$CI_PIPELINE_SOURCE == "schedule" && $NSBRIDGE_SCHEDULE != "dnssec-advance"');
    expect(drift.rules.every((r: any) => !/merge_request|CI_COMMIT_BRANCH/.test(r.if))).toBe(true);
    const s = script(drift);
    expect(s).toMatch(/tofu -chdir="\$dir" plan[\s\S]*npx nsbridge plan --plan cdktf\.out\/stacks\/\*\/plan\.json --expect-no-changes/);
    expect(s).toMatch(/exit "\$status"/);
    expect(drift.allow_failure).toBeUndefined();
    expect(drift.artifacts).toMatchObject({ when: 'always', paths: ['review.md', 'review.txt'] });
  });

  test('lock waits match the longest deploy; every job outlives its wait', () => {
    const minutes = (args: string) => Number(/-lock-timeout=(\d+)m/.exec(args)![1]);
    expect(minutes(gl.variables.TF_CLI_ARGS_plan)).toBeGreaterThanOrEqual(120);
    expect(minutes(gl.variables.TF_CLI_ARGS_apply)).toBeGreaterThanOrEqual(120);
    for (const id of jobIds) expect(gl[id].timeout).toBe('2h30m');
  });

  test('dnssec-advance: its own schedule on the default branch, one at a time with deploy, applies only what dnssec-advance-check accepted', () => {
    const job = gl['dnssec-advance'];
    expect(job.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule" && $NSBRIDGE_SCHEDULE == "dnssec-advance" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }]);
    expect(job.resource_group).toBe(gl.deploy.resource_group);
    const s = script(job);
    expect(s).toMatch(/-out=advance\.tfplan[\s\S]*show -json advance\.tfplan[\s\S]*if npx nsbridge dnssec-advance-check --plan "\$dir\/advance\.json"; then\n\s*tofu -chdir="\$dir" apply -input=false -no-color advance\.tfplan/);
    expect(s).not.toMatch(/cdktf deploy|auto-approve|destroy/);
    expect(job.when).toBeUndefined(); // scheduled: no manual start
  });

  test('registrar credentials: CI/CD variables, never written in the file; names mentioned exist in the catalog', () => {
    const keys = (v: Record<string, unknown> | undefined) => Object.keys(v ?? {});
    for (const name of [...keys(gl.variables), ...jobIds.flatMap((id) => keys(gl[id].variables)), ...keys(template.variables)]) {
      expect(credentials.has(name) || looksLikeRegistrarVariable(name)).toBe(false);
    }
    const mentioned = [...gitlabText.matchAll(/\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b/g)].map((m) => m[1]).filter(looksLikeRegistrarVariable);
    expect(mentioned.length).toBeGreaterThanOrEqual(2);
    for (const name of mentioned) expect({ name, known: credentials.has(name) }).toEqual({ name, known: true });
    // No NAME=value or NAME: value for a credential anywhere (a pasted secret).
    for (const name of credentials.keys()) expect(gitlabText).not.toMatch(new RegExp(`\\b${name}\\s*[:=]\\s*\\S`));
  });
});

// ------------------------------------------------------------------------------------------------
describe('GitHub Actions: the scheduled DNSSEC roll-out workflow', () => {
  const wf = parseYaml(dnssecText, 'nsbridge-dnssec.yml').value;
  const job = wf.jobs.advance;
  const run: string = job.steps.filter((s: any) => s.run).map((s: any) => s.run).join('\n');

  test('GitHub\'s workflow parser and the SchemaStore schema accept it', async () => {
    expect(messages(await allGithubProblems(dnssecText))).toBe('');
  });

  test('scheduled and by hand, main only, never at the same time as a deploy, no approval wait', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(wf.on.schedule[0].cron).toMatch(/^\d+ /);
    expect(job.if).toBe("github.ref == 'refs/heads/main'");
    expect(job.concurrency).toEqual({ group: 'nsbridge-deploy', 'cancel-in-progress': false });
    expect(job.concurrency.group).toBe(gh.jobs.deploy.concurrency.group);
    expect(job.environment).toBe('dnssec-rollout');
    expect(wf.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
  });

  test('applies a saved plan only after dnssec-advance-check accepted it; never cdktf deploy', () => {
    expect(run).toMatch(/plan -input=false -no-color -out=advance\.tfplan[\s\S]*show -json advance\.tfplan[\s\S]*if npx nsbridge dnssec-advance-check --plan "\$dir\/advance\.json"; then\n\s*tofu -chdir="\$dir" apply -input=false -no-color advance\.tfplan/);
    expect((run.match(/ apply /g) ?? []).length).toBe(1);
    expect(run).not.toMatch(/cdktf deploy|auto-approve|destroy/);
  });

  test('registrar credentials: secret references of catalog names', () => {
    const env: Record<string, string> = job.steps.find((s: any) => s.env)?.env ?? {};
    expect(Object.keys(env).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(env)) {
      expect({ name, known: credentials.has(name) }).toEqual({ name, known: true });
      expect(value).toBe(`\${{ secrets.${name} }}`);
    }
  });
});

// ------------------------------------------------------------------------------------------------
test('both pipelines: one OpenTofu version, Node 22 or newer, the dependency lock files committed (not git-ignored)', () => {
  expect(String(gh.env.TOFU_VERSION)).toBe(String(gl.variables.TOFU_VERSION));
  expect(Number(gh.env.NODE_VERSION)).toBeGreaterThanOrEqual(22);
  expect(Number(/^node:(\d+)/.exec(gl['.nsbridge'].image)![1])).toBeGreaterThanOrEqual(22);
  // The scheduled DNSSEC workflow runs what the main workflow runs, with the same lock waits and lock files.
  const dnssecWf = parseYaml(dnssecText, 'nsbridge-dnssec.yml').value;
  for (const key of ['TOFU_VERSION', 'NODE_VERSION', 'TF_CLI_ARGS_plan', 'TF_CLI_ARGS_apply']) expect({ key, value: dnssecWf.env[key] }).toEqual({ key, value: gh.env[key] });
  expect(dnssecText).toMatch(/init -input=false -no-color -lockfile=readonly/);
  expect(gl['dnssec-advance'].script.join('\n')).toMatch(/init -input=false -no-color -lockfile=readonly/);
  const ignored = readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n').map((l) => l.trim());
  expect(ignored).not.toContain('.terraform.lock.hcl');
});

test('docs/ci.md lists every registrar credential of the catalog and both pipelines\' settings', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8');
  for (const name of credentials.keys()) expect({ name, listed: doc.includes('`' + name + '`') }).toEqual({ name, listed: true });
  for (const name of ['NSBRIDGE_PLAN_ROLE_ARN', 'NSBRIDGE_DEPLOY_ROLE_ARN', 'AWS_REGION', 'NSBRIDGE_GITLAB_TOKEN', 'id-token: write']) {
    expect(doc).toContain(name);
  }
  for (const topic of ['nsbridge apply', 'Saved plan is stale', 'delegationSource', 'repairDrift', 'locks/', 'TF_PLUGIN_CACHE_DIR', 'cdktf deploy']) expect(doc).toContain(topic);
  expect(doc).toMatch(/npx nsbridge set --registrar <id> --domain <d> --ns\s*<the name servers in the state>/); // the drift fix, as docs/review.md "Drift" gives it
});

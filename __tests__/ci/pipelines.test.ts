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
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REGISTRARS } from '../../registrar-adapters/catalog';
import { allGithubProblems, allGitlabProblems, githubActionProblems, githubWorkflowProblems, parseYaml } from './validators';

const ROOT = join(__dirname, '..', '..');
const GITHUB_FILE = join(ROOT, 'examples', 'ci', 'github', 'nsbridge.yml');
const GITLAB_FILE = join(ROOT, 'examples', 'ci', 'gitlab', '.gitlab-ci.yml');
const DNSSEC_FILE = join(ROOT, 'examples', 'ci', 'github', 'nsbridge-dnssec.yml');
// The composite action both GitHub workflows use: the engine, its provider cache, every stack's init.
const ACTION_FILE = join(ROOT, 'examples', 'ci', 'github', 'actions', 'nsbridge-init', 'action.yml');
const dnssecText = readFileSync(DNSSEC_FILE, 'utf8');
const actionText = readFileSync(ACTION_FILE, 'utf8');
const action = parseYaml(actionText, 'action.yml').value;
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

// Every GitHub job sets up the engine through the shipped composite action, with the workflow's switch.
const INIT_ACTION = './.github/actions/nsbridge-init';
const INIT_INPUTS = { engine: '${{ env.ENGINE }}', 'tofu-version': '${{ env.TOFU_VERSION }}', 'terraform-version': '${{ env.TERRAFORM_VERSION }}' };
const ENGINES = ['tofu', 'terraform'] as const;

/** The shell each file runs, comments left out: run steps, the action's steps, GitLab scripts. */
const commandsOf = (text: string): string[] => {
  const lines = (script: string) => script.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  const doc = parseYaml(text, 'pipeline').value;
  const out: string[] = [];
  const walk = (node: any) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'run' || key === 'script' || key === 'before_script' || key === 'after_script') && value) out.push(...[value].flat(10).map((s) => lines(String(s))));
      else walk(value);
    }
  };
  walk(doc);
  return out;
};
// A command that names an engine's binary itself instead of "$ENGINE" (messages in echo excepted).
const BARE_ENGINE = /(^|[\s;|&(])(tofu|terraform) +(-chdir|init|plan|show|apply|version|providers|force-unlock)\b/m;
const withoutEcho = (command: string) => command.split('\n').filter((l) => !/^\s*echo /.test(l)).join('\n');
/** How often each file spells out the lock-file block (its missing-file message, its copy, its init). */
const lockBlocks = (text: string) => ({
  missing: (text.match(/\.terraform\.lock\.hcl is missing: make it with '\$ENGINE providers lock' and commit it \(docs\/ci\.md, Provider lock files\)/g) ?? []).length,
  copy: (text.match(/cp "locks\/\$stack\.terraform\.lock\.hcl" "\$dir\/\.terraform\.lock\.hcl"/g) ?? []).length,
  init: (text.match(/init -input=false[^\n]*-lockfile=readonly/g) ?? []).length,
});

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
    ['a step with both run and uses', (t: string) => mutate(t, '      - run: npx cdktf synth\n      - name: Engine', '      - run: npx cdktf synth\n        uses: actions/checkout@v5\n      - name: Engine'), /.+/],
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

  test('every job: checkout, Node 22+ with the npm cache, npm ci, AWS by OIDC, the stacks, then nsbridge-init with the one engine switch, in that order', () => {
    for (const [id, job] of Object.entries(jobs)) {
      const order = [
        stepIndex(job, uses('actions/checkout')),
        stepIndex(job, uses('actions/setup-node')),
        stepIndex(job, runMatches(/^npm ci$/)),
        stepIndex(job, uses('aws-actions/configure-aws-credentials')),
        stepIndex(job, (s) => s.run === 'npx cdktf synth' || typeof s.uses === 'string' && s.uses.startsWith('actions/download-artifact@')),
        stepIndex(job, (s) => s.uses === INIT_ACTION),
        stepIndex(job, runMatches(/"\$ENGINE" -chdir="\$dir" plan|npx nsbridge apply/)),
      ];
      expect({ id, order }).toEqual({ id, order: [...order].sort((a, b) => a - b) });
      const node = job.steps.find(uses('actions/setup-node'));
      expect(node.with).toMatchObject({ 'node-version': '${{ env.NODE_VERSION }}', cache: 'npm' });
      expect(job.steps.find((s: any) => s.uses === INIT_ACTION).with).toEqual(INIT_INPUTS);
      // The engine is set up by nsbridge-init alone, never beside it.
      expect(job.steps.filter((s: any) => /setup-opentofu|setup-terraform|actions\/cache/.test(s.uses ?? ''))).toEqual([]);
      expect(runs(job)).not.toMatch(/npm install|npm i\b/);
    }
    expect(gh.env.NODE_VERSION).toBeGreaterThanOrEqual(22); // Node 20 is end of life on 2026-04-30
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
    const remote = [...all, ...action.runs.steps.filter((s: any) => s.uses).map((s: any) => s.uses)].filter((u) => u !== INIT_ACTION);
    for (const u of remote) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/);
  });

  test('plan: saved plans per stack with the committed lock file, the DNS review, the artifact, one sticky comment', () => {
    const plan = jobs.plan;
    expect(plan.if).toMatch(/github\.event_name == 'pull_request' && github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    expect(plan.if).toMatch(/github\.event_name == 'push'/); // main: the plan the deploy applies
    expect(plan.concurrency.group).toMatch(/\$\{\{ github\.ref \}\}/);
    expect(plan.concurrency['cancel-in-progress']).toBe(false);
    const synth = stepIndex(plan, runMatches(/^npx cdktf synth$/));
    const init = stepIndex(plan, (s) => s.uses === INIT_ACTION);
    const plans = stepIndex(plan, runMatches(/"\$ENGINE" -chdir="\$dir" plan -input=false -out=plan\.tfplan/));
    const review = stepIndex(plan, runMatches(/npx nsbridge plan --plan cdktf\.out\/stacks\/\*\/plan\.json --format markdown --artifact .* > review\.md/));
    const artifact = stepIndex(plan, uses('actions/upload-artifact'));
    const comment = stepIndex(plan, uses('actions/github-script'));
    expect([synth, init, plans, review, artifact, comment]).toEqual([synth, init, plans, review, artifact, comment].sort((a, b) => a - b));
    const planRun: string = plan.steps[plans].run;
    expect(planRun).toMatch(/for dir in cdktf\.out\/stacks\/\*; do/); // every synthesized (and initialised) stack
    expect(planRun).toMatch(/"\$ENGINE" -chdir="\$dir" show -json plan\.tfplan > "\$dir\/plan\.json"/);
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
    const init = stepIndex(deploy, (s) => s.uses === INIT_ACTION);
    const apply = stepIndex(deploy, runMatches(/npx nsbridge apply cdktf\.out\/stacks\/\*\/plan\.tfplan/));
    expect([download, init, apply]).toEqual([download, init, apply].sort((a, b) => a - b));
    expect(deploy.steps[download].with.name).toBe('nsbridge-plan');
    expect(runs(deploy)).not.toMatch(/cdktf (deploy|synth)|ENGINE[^\n]* plan /); // never re-plans
    expect(jobs.plan.environment).toBeUndefined();
    expect(runs(jobs.plan)).not.toMatch(/cdktf deploy|cdktf destroy|--auto-approve|nsbridge apply|ENGINE[^\n]* apply/);
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
    // The provider cache: one folder and one cache key per engine (their registries sign different packages).
    expect(gl.variables.TF_PLUGIN_CACHE_DIR).toBe('$CI_PROJECT_DIR/.plugin-cache/$ENGINE');
    expect(template.cache).toContainEqual({ key: { prefix: '$ENGINE-providers', files: ['locks/*.terraform.lock.hcl'] }, paths: ['.plugin-cache/'] });
    expect(template.id_tokens.AWS_ID_TOKEN.aud).toMatch(/^https:\/\//);
    const before = script(template);
    expect(before).toMatch(/AWS_WEB_IDENTITY_TOKEN_FILE/);
    expect(before).toMatch(/"\$AWS_ID_TOKEN" > \/tmp\/aws-web-identity-token/);
    expect(before).toMatch(/AWS_ROLE_ARN="\$NSBRIDGE_AWS_ROLE_ARN"/);
    expect(before).toMatch(/sha256sum -c/);
    expect(before).toMatch(/npm ci/);
    expect(before).toMatch(/^\$ENGINE version$/m);
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
    expect(s).toMatch(/npx cdktf synth[\s\S]*cp "locks\/\$stack\.terraform\.lock\.hcl"[\s\S]*init -input=false -lockfile=readonly[\s\S]*"\$ENGINE" -chdir="\$dir" plan -input=false -out=plan\.tfplan[\s\S]*show -json plan\.tfplan/);
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
    expect(s).toMatch(/"\$ENGINE" -chdir="\$dir" plan[\s\S]*npx nsbridge plan --plan cdktf\.out\/stacks\/\*\/plan\.json --expect-no-changes/);
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
    expect(s).toMatch(/npx cdktf synth[\s\S]*init -input=false -lockfile=readonly[\s\S]*-out=advance\.tfplan[\s\S]*show -json advance\.tfplan[\s\S]*if npx nsbridge dnssec-advance-check --plan "\$dir\/advance\.json"; then\n\s*"\$ENGINE" -chdir="\$dir" apply -input=false -no-color advance\.tfplan/);
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
    const synth = job.steps.findIndex((s: any) => s.run === 'npx cdktf synth');
    const init = job.steps.findIndex((s: any) => s.uses === INIT_ACTION);
    expect(synth).toBeGreaterThan(0);
    expect(init).toBe(synth + 1);
    expect(job.steps[init].with).toEqual(INIT_INPUTS);
    expect(run).toMatch(/"\$ENGINE" -chdir="\$dir" plan -input=false -no-color -out=advance\.tfplan[\s\S]*show -json advance\.tfplan[\s\S]*if npx nsbridge dnssec-advance-check --plan "\$dir\/advance\.json"; then\n\s*"\$ENGINE" -chdir="\$dir" apply -input=false -no-color advance\.tfplan/);
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
describe('the engine switch (OpenTofu or Terraform) and the one lock-file block', () => {
  const steps: any[] = action.runs.steps;
  const setup = (name: string) => steps.filter((s) => typeof s.uses === 'string' && s.uses.startsWith(name + '@'));
  /** The action's steps that run for an engine: a step guarded by inputs.engine runs for that engine only. */
  const stepsFor = (engine: string) => steps.filter((s) => {
    if (s.if === undefined) return true;
    const m = /^inputs\.engine == '(\w+)'$/.exec(s.if);
    expect({ if: s.if, understood: m !== null }).toEqual({ if: s.if, understood: true });
    return m![1] === engine;
  });

  test('GitHub\'s parser accepts the nsbridge-init action, and refuses broken copies', () => {
    expect(messages(githubActionProblems(actionText))).toBe('');
    expect(messages(githubActionProblems(mutate(actionText, '      shell: bash\n      env:\n        ENGINE: ${{ inputs.engine }}\n      run: |\n        case', '      env:\n        ENGINE: ${{ inputs.engine }}\n      run: |\n        case')))).toMatch(/Required property is missing: shell/);
    expect(messages(githubActionProblems(mutate(actionText, "if: inputs.engine == 'tofu'", "if: input.engine == 'tofu'")))).toMatch(/Unrecognized named-value: 'input'/);
    expect(messages(githubActionProblems(mutate(actionText, 'runs:\n  using', 'runz:\n  using')))).toMatch(/runz/);
  });

  test('one switch per pipeline: ENGINE, with a version per engine; nothing else names the binary', () => {
    const dnssecWf = parseYaml(dnssecText, 'nsbridge-dnssec.yml').value;
    for (const vars of [gh.env, dnssecWf.env, gl.variables]) {
      expect(vars.ENGINE).toBe('tofu');
      expect(Number(String(vars.TOFU_VERSION).split('.')[1])).toBeGreaterThanOrEqual(10); // S3 lock file
      const [major, minor] = String(vars.TERRAFORM_VERSION).split('.').map(Number);
      expect({ major, minorAtLeast10: minor >= 10 }).toEqual({ major: 1, minorAtLeast10: true }); // S3 lock file
    }
    // Derived from ENGINE, never a second setting a team has to keep in step.
    for (const env of [gh.env, dnssecWf.env]) {
      for (const key of ['TERRAFORM_BINARY_NAME', 'NSBRIDGE_TERRAFORM_BINARY', 'TF_PLUGIN_CACHE_DIR']) expect(env).not.toHaveProperty(key);
    }
    expect(gl.variables).toMatchObject({ TERRAFORM_BINARY_NAME: '$ENGINE', NSBRIDGE_TERRAFORM_BINARY: '$ENGINE' });
    const exported = steps[0].run as string;
    for (const line of ['TERRAFORM_BINARY_NAME=$ENGINE', 'NSBRIDGE_TERRAFORM_BINARY=$ENGINE', 'TF_PLUGIN_CACHE_DIR=$GITHUB_WORKSPACE/.plugin-cache/$ENGINE']) expect(exported).toContain(`echo "${line}"`);
    expect(exported).toMatch(/>> "\$GITHUB_ENV"/);
    expect(steps[0].env.ENGINE).toBe('${{ inputs.engine }}');
  });

  test.each([...ENGINES, 'opentofu'])('GitHub: the action\'s engine step run by bash with ENGINE=%s', (engine) => {
    const dir = mkdtempSync(join(tmpdir(), 'nsbridge-ci-engine-'));
    try {
      const githubEnv = join(dir, 'github-env');
      writeFileSync(githubEnv, '');
      // GitHub runs a composite step's `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`.
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', steps[0].run], {
        env: { PATH: process.env.PATH, ENGINE: engine, GITHUB_ENV: githubEnv, GITHUB_WORKSPACE: dir },
        encoding: 'utf8',
      });
      if ((ENGINES as readonly string[]).includes(engine)) {
        expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
        expect(readFileSync(githubEnv, 'utf8')).toBe(`TERRAFORM_BINARY_NAME=${engine}\nNSBRIDGE_TERRAFORM_BINARY=${engine}\nTF_PLUGIN_CACHE_DIR=${dir}/.plugin-cache/${engine}\n`);
        expect(existsSync(join(dir, '.plugin-cache', engine))).toBe(true);
      } else {
        // A misspelt engine stops the job at once, before anything is installed or written.
        expect(r.status).toBe(2);
        expect(r.stdout).toContain("::error title=nsbridge::ENGINE is 'opentofu': set it to tofu or terraform in the workflow's env");
        expect(readFileSync(githubEnv, 'utf8')).toBe('');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('GitLab: a misspelt ENGINE stops the install block at once (exit 2), before any download', () => {
    const install = (gl['.nsbridge'].before_script as string[]).find((l) => /case "\$ENGINE" in/.test(l))!;
    // No curl on PATH: reaching a download would fail differently (127), not with exit 2.
    const r = spawnSync('/bin/bash', ['-eo', 'pipefail', '-c', install], { env: { PATH: '/nonexistent', ENGINE: 'opentofu', CI_PROJECT_DIR: tmpdir() }, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("ENGINE is 'opentofu': set it to tofu or terraform in the variables of .gitlab-ci.yml");
  });

  test('every engine command runs "$ENGINE": no bare tofu or terraform command left in any file', () => {
    for (const [name, text] of [['nsbridge.yml', githubText], ['nsbridge-dnssec.yml', dnssecText], ['action.yml', actionText], ['.gitlab-ci.yml', gitlabText]]) {
      const commands = commandsOf(text);
      expect({ name, commands: commands.length > 0 }).toEqual({ name, commands: true });
      for (const command of commands) expect({ name, bare: BARE_ENGINE.exec(withoutEcho(command))?.[0] ?? null }).toEqual({ name, bare: null });
    }
    // ...and the check finds one.
    expect(BARE_ENGINE.test(withoutEcho('for d in x; do\n  tofu -chdir="$d" plan\ndone'))).toBe(true);
    expect(actionText + githubText + dnssecText + gitlabText).toMatch(/"\$ENGINE" -chdir="\$dir" (init|plan|show|apply)/);
  });

  test.each(ENGINES)('GitHub, ENGINE=%s: exactly that engine\'s setup runs, its wrapper off, its version from the workflow', (engine) => {
    const running = stepsFor(engine);
    const other = ENGINES.find((e) => e !== engine)!;
    const [own] = running.filter((s) => /setup-(opentofu|terraform)@/.test(s.uses ?? ''));
    expect(running.filter((s) => /setup-(opentofu|terraform)@/.test(s.uses ?? ''))).toHaveLength(1);
    expect(own.if).toBe(`inputs.engine == '${engine}'`);
    const input = engine === 'tofu' ? 'tofu' : 'terraform';
    expect(own.uses).toBe(engine === 'tofu' ? 'opentofu/setup-opentofu@v1' : 'hashicorp/setup-terraform@v3');
    expect(own.with[`${input}_wrapper`]).toBe(false); // the wrapper rewrites output cdktf parses
    expect(own.with[`${input}_version`]).toBe(`\${{ inputs.${input}-version }}`);
    expect(running.some((s) => s.if === `inputs.engine == '${other}'`)).toBe(false);
    // The workflows parse with either engine switched on.
    const switched = (text: string) => text.replace(/^  ENGINE: tofu\b/m, `  ENGINE: ${engine}`);
    expect(switched(githubText)).toMatch(new RegExp(`^  ENGINE: ${engine}\\b`, 'm'));
    return Promise.all([githubText, dnssecText].map(async (text) => expect(messages(await allGithubProblems(switched(text)))).toBe('')));
  });

  test('GitHub: both setup steps guarded, the provider cache per engine', () => {
    expect(setup('opentofu/setup-opentofu')).toHaveLength(1);
    expect(setup('hashicorp/setup-terraform')).toHaveLength(1);
    for (const s of [...setup('opentofu/setup-opentofu'), ...setup('hashicorp/setup-terraform')]) expect(s.if).toMatch(/^inputs\.engine == '(tofu|terraform)'$/);
    const [cache] = setup('actions/cache');
    expect(cache.with.path).toBe('.plugin-cache/${{ inputs.engine }}');
    expect(cache.with.key).toMatch(/^\$\{\{ inputs\.engine \}\}-providers-.*hashFiles\('locks\/\*\.terraform\.lock\.hcl'\)/);
    expect(Object.keys(action.inputs).sort()).toEqual(['engine', 'terraform-version', 'tofu-version']);
  });

  test.each(ENGINES)('GitLab, ENGINE=%s: the release of that engine, at its pinned version, checked against its SHA256SUMS', (engine) => {
    const install = (gl['.nsbridge'].before_script as string[]).find((l) => /case "\$ENGINE" in/.test(l))!;
    expect(install).toBeDefined();
    const branch = new RegExp(`^\\s*${engine}\\) version="\\$${engine === 'tofu' ? 'TOFU' : 'TERRAFORM'}_VERSION"; release="(https://[^"]+)" ;;$`, 'm').exec(install);
    expect(branch).not.toBeNull();
    expect(branch![1]).toBe(engine === 'tofu' ? 'https://github.com/opentofu/opentofu/releases/download/v$TOFU_VERSION' : 'https://releases.hashicorp.com/terraform/$TERRAFORM_VERSION');
    expect(install).toMatch(/curl -fsSLO "\$release\/\$\{ENGINE\}_\$\{version\}_SHA256SUMS"/);
    expect(install).toMatch(/\| sha256sum -c -/);
    expect(install).toMatch(/\*\) echo "ENGINE is '\$ENGINE': set it to tofu or terraform[^"]*"; exit 2 ;;/);
    expect(messages(allGitlabProblems(gitlabText.replace(/^  ENGINE: tofu$/m, `  ENGINE: ${engine}`)))).toBe('');
  });

  test('the lock-file block is written once per pipeline: in the action for GitHub, in one anchor for GitLab', () => {
    expect(lockBlocks(githubText)).toEqual({ missing: 0, copy: 0, init: 0 });
    expect(lockBlocks(dnssecText)).toEqual({ missing: 0, copy: 0, init: 0 });
    expect(lockBlocks(actionText)).toEqual({ missing: 1, copy: 1, init: 1 });
    expect(lockBlocks(gitlabText)).toEqual({ missing: 1, copy: 1, init: 1 });
    // ...and every GitLab job that runs the engine uses it.
    const anchor: string = gl['.init-every-stack'];
    expect(lockBlocks(anchor)).toEqual({ missing: 1, copy: 1, init: 1 });
    for (const id of ['plan', 'deploy', 'drift', 'dnssec-advance']) expect({ id, uses: [gl[id].script].flat(10).includes(anchor) }).toEqual({ id, uses: true });
    // The missing-file message names the file and the fix, with a GitHub error annotation.
    expect(actionText).toContain("echo \"::error title=nsbridge::locks/$stack.terraform.lock.hcl is missing: make it with '$ENGINE providers lock' and commit it (docs/ci.md, Provider lock files)\"\n            exit 1");
    expect(anchor).toMatch(/is missing: [^\n]*"\n\s*exit 1\n/);
  });
});

// ------------------------------------------------------------------------------------------------
test('both pipelines: one engine and one version per engine, Node 22 or newer, the dependency lock files committed (not git-ignored)', () => {
  for (const key of ['ENGINE', 'TOFU_VERSION', 'TERRAFORM_VERSION']) expect({ key, value: String(gh.env[key]) }).toEqual({ key, value: String(gl.variables[key]) });
  expect(Number(gh.env.NODE_VERSION)).toBeGreaterThanOrEqual(22);
  expect(Number(/^node:(\d+)/.exec(gl['.nsbridge'].image)![1])).toBeGreaterThanOrEqual(22);
  // The scheduled DNSSEC workflow runs what the main workflow runs, with the same lock waits and lock files.
  const dnssecWf = parseYaml(dnssecText, 'nsbridge-dnssec.yml').value;
  for (const key of ['ENGINE', 'TOFU_VERSION', 'TERRAFORM_VERSION', 'NODE_VERSION', 'TF_CLI_ARGS_plan', 'TF_CLI_ARGS_apply']) expect({ key, value: dnssecWf.env[key] }).toEqual({ key, value: gh.env[key] });
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
  // The engine switch: where it is, which Terraform version and why, the Terraform lock files.
  for (const topic of ['ENGINE', 'TERRAFORM_VERSION', `\`${gh.env.TERRAFORM_VERSION}\``, 'terraform providers lock', 'nsbridge-init', '.github/actions/nsbridge-init/action.yml']) expect({ topic, in: doc.includes(topic) }).toEqual({ topic, in: true });
  expect(doc).not.toMatch(/replace `tofu` by\s+`terraform`/); // the hand edit is gone
  expect(doc).toMatch(/npx nsbridge set --registrar <id> --domain <d> --ns\s*<the name servers in the state>/); // the drift fix, as docs/review.md "Drift" gives it
});

/**
 * Validators for the example CI pipelines (examples/ci), used by pipelines.test.ts.
 *
 * - GitHub Actions: @actions/workflow-parser, GitHub's own workflow parser (the one behind the
 *   Actions language server): the same schema, expression and context checks GitHub applies;
 *   its action parser (parseAction) checks the composite action the workflows use.
 *   It is ESM-only and imports its schema JSON without an import attribute, which Node refuses,
 *   so it is bundled with esbuild (already a devDependency) into one CommonJS file first.
 * - Both files: JSON Schema (ajv) against the schemas vendored in ./schemas (SOURCE.md): the
 *   SchemaStore GitHub workflow schema, and GitLab's own CI schema.
 *
 * Both packages are devDependencies (see docs/ci.md, "Validating the pipelines"). A missing one
 * fails the tests with the install command: a validator that silently skipped would prove nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseDocument } from 'yaml';

export const SCHEMAS = join(__dirname, 'schemas');
const DEV_DEPENDENCIES = 'npm install --save-dev --save-exact ajv@8.20.0 @actions/workflow-parser@0.3.61';

/** Extra module folders from NODE_PATH (CommonJS honours it; esbuild is told to as well). */
function nodePaths(): string[] {
  return (process.env.NODE_PATH ?? '').split(delimiter).filter(Boolean);
}

function missing(name: string, cause: unknown): Error {
  return new Error(`${name} is not installed; the CI pipeline tests need it: ${DEV_DEPENDENCIES} (${String(cause)})`);
}

function requireDev(name: string): any {
  try {
    return require(require.resolve(name, { paths: [__dirname, ...nodePaths()] }));
  } catch (e) {
    throw missing(name, e);
  }
}

export interface Problem {
  readonly message: string;
}

/** Parses YAML strictly (duplicate keys, bad aliases and syntax errors are problems). */
export function parseYaml(text: string, name: string): { value: any; problems: Problem[] } {
  const doc = parseDocument(text, { uniqueKeys: true, merge: false, prettyErrors: true });
  const problems = [...doc.errors, ...doc.warnings].map((e) => ({ message: `${name}: YAML: ${e.message}` }));
  if (problems.length) return { value: undefined, problems };
  try {
    return { value: doc.toJS({ maxAliasCount: 1000 }), problems };
  } catch (e) {
    // An alias whose anchor does not exist is only found here.
    return { value: undefined, problems: [{ message: `${name}: YAML: ${(e as Error).message}` }] };
  }
}

let ajvValidators: Map<string, any> | undefined;

/** JSON Schema validation (draft-07) of a parsed document against a vendored schema. */
export function schemaProblems(schemaFile: string, value: unknown): Problem[] {
  ajvValidators ??= new Map();
  let validate = ajvValidators.get(schemaFile);
  if (!validate) {
    const Ajv = requireDev('ajv');
    // The schemas carry editor keywords (markdownDescription, ...) that strict mode refuses, and
    // formats that only ajv-formats knows; neither changes what a valid pipeline is.
    const ajv = new (Ajv.default ?? Ajv)({ strict: false, allErrors: true, validateFormats: false });
    validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, schemaFile), 'utf8')));
    ajvValidators.set(schemaFile, validate);
  }
  if (validate(value)) return [];
  return (validate.errors as any[]).map((e) => ({
    message: `${schemaFile}: ${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ''}`,
  }));
}

let workflowParser: any;

function loadWorkflowParser(): any {
  if (workflowParser) return workflowParser;
  // Its "exports" map hides package.json from require.resolve, so look for the folder itself.
  const where = [join(__dirname, '..', '..', 'node_modules'), ...nodePaths()]
    .map((dir) => join(dir, '@actions', 'workflow-parser'))
    .find((dir) => existsSync(join(dir, 'package.json')));
  if (!where) throw missing('@actions/workflow-parser', 'not found in node_modules or NODE_PATH');
  const pkgDir = where;
  const version: string = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  // "-actions": the bundle holds the action parser too (an older bundle of the same version does not).
  const out = join(tmpdir(), `nsbridge-workflow-parser-${version}-actions-${process.getuid?.() ?? 'u'}.cjs`);
  if (!existsSync(out)) {
    // In a child process: esbuild's own sanity check fails inside jest's sandboxed globals.
    const script = `
      const result = require('esbuild').buildSync({
        stdin: { contents: "export * from '@actions/workflow-parser'; export * from '@actions/workflow-parser/actions/index';", resolveDir: ${JSON.stringify(join(pkgDir, '..', '..'))}, loader: 'js' },
        bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent',
        nodePaths: ${JSON.stringify(nodePaths())},
      });
      // Atomic: another jest worker may be writing the same file.
      const tmp = ${JSON.stringify(out)} + '.' + process.pid + '.tmp';
      require('node:fs').writeFileSync(tmp, result.outputFiles[0].text);
      require('node:fs').renameSync(tmp, ${JSON.stringify(out)});`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bundling @actions/workflow-parser with esbuild failed: ${r.stderr}`);
  }
  workflowParser = require(out);
  return workflowParser;
}

/** GitHub's own parse and validation of a workflow file's text (schema, expressions, contexts). */
export async function githubWorkflowProblems(text: string, name = 'nsbridge.yml'): Promise<Problem[]> {
  const wp = loadWorkflowParser();
  const parsed = wp.parseWorkflow({ name, content: text }, new wp.NoOperationTraceWriter());
  const problems: Problem[] = parsed.context.errors.getErrors().map((e: any) => ({ message: e.message }));
  if (problems.length === 0 && parsed.value) {
    // The conversion step checks what the schema cannot (job ids, needs, concurrency, ...).
    const template = await wp.convertWorkflowTemplate(parsed.context, parsed.value);
    for (const e of template.errors ?? []) problems.push({ message: e.Message });
  }
  return problems;
}

/** GitHub's own parse and validation of an action.yml (the action schema, expressions, contexts). */
export function githubActionProblems(text: string, name = 'action.yml'): Problem[] {
  const { problems } = parseYaml(text, name);
  if (problems.length) return problems;
  const wp = loadWorkflowParser();
  const parsed = wp.parseAction({ name, content: text }, new wp.NoOperationTraceWriter());
  const found: Problem[] = parsed.context.errors.getErrors().map((e: any) => ({ message: e.message }));
  if (found.length === 0 && parsed.value) {
    // The conversion checks what the schema cannot (a composite step's shell, ...).
    wp.convertActionTemplate(parsed.context, parsed.value);
    for (const e of parsed.context.errors.getErrors()) found.push({ message: e.message });
  }
  return found;
}

/** Every problem of a GitHub workflow: YAML, GitHub's parser, SchemaStore's schema. */
export async function allGithubProblems(text: string): Promise<Problem[]> {
  const { value, problems } = parseYaml(text, 'nsbridge.yml');
  if (problems.length) return problems;
  return [...(await githubWorkflowProblems(text)), ...schemaProblems('github-workflow.json', value)];
}

/** Every problem of a GitLab CI file: YAML, GitLab's CI schema. */
export function allGitlabProblems(text: string): Problem[] {
  const { value, problems } = parseYaml(text, '.gitlab-ci.yml');
  if (problems.length) return problems;
  return schemaProblems('gitlab-ci.json', value);
}

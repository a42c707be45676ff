/**
 * Loads domains.yaml (or the file NSBRIDGE_CONFIG names), validates it completely, and turns it
 * into the props of one DomainsStack per stack. Nothing here imports cdktf: main.ts calls this
 * BEFORE creating the App (whose constructor already creates the output directory), so an invalid
 * file writes nothing.
 *
 * Every problem is reported at once, each with its path in the file, its line, and the bad value:
 *   domains.yaml: 3 problems
 *     domains[1].registrar (line 12): registrar "namecheep" is not known; use one of godaddy, ...
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
// Types only: the `yaml` library is loaded when a file has a problem (for line numbers) or uses
// anchors and aliases, not on the fast path (see parseConfig).
import type { Document, LineCounter, Node } from 'yaml';
import { checkDomainName } from '../core/names';
import type { DestroyPolicy, DomainEntry, DomainsStackProps, RegistrarId } from '../modules';
import { E } from '../modules/internal';
import { configErrorMap, configSchema, RawConfig, RawDomain, RawStack } from './schema';
import { DEFAULT_STACK, destroyPolicyOf, Issue, Path, semanticIssues, toRecordSpec } from './semantics';

export const CONFIG_ENV = 'NSBRIDGE_CONFIG';
export const DEFAULT_CONFIG_FILE = 'domains.yaml';

/** The configuration file to read: $NSBRIDGE_CONFIG, else domains.yaml in `cwd` (the project root). */
export function configPath(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const fromEnv = env[CONFIG_ENV]?.trim();
  return path.resolve(cwd, fromEnv ? fromEnv : DEFAULT_CONFIG_FILE);
}

export interface LocatedIssue extends Issue {
  /** 1-based line in the file, when the path (or its parent) exists there. */
  readonly line?: number;
}

/** The file is invalid; `issues` lists every problem, in file order. */
export class ConfigError extends Error {
  constructor(
    public readonly file: string,
    public readonly issues: readonly LocatedIssue[],
  ) {
    super(
      `${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}; nothing was synthesized\n` +
        issues.map((i) => `  ${E.formatPath(i.path) || '(top level)'}${i.line ? ` (line ${i.line})` : ''}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** One stack to build: its name (directory under cdktf.out/stacks) and DomainsStack props. */
export interface StackPlan {
  readonly name: string;
  readonly props: DomainsStackProps;
}

export interface NsbridgeConfig {
  readonly file: string;
  readonly stacks: readonly StackPlan[];
}

export function loadConfig(file: string): NsbridgeConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [
      {
        path: [],
        message:
          code === 'ENOENT'
            ? `the file does not exist; create it (see docs/configuration.md) or point ${CONFIG_ENV} at your configuration`
            : `cannot be read: ${(err as Error).message}`,
      },
    ]);
  }
  return parseConfig(text, file);
}

/**
 * Anchors (`&x`) and aliases (`*x`) outside quotes. js-yaml shares an aliased node instead of
 * copying it, and has no limit on aliases, so a "billion laughs" file would make validation walk
 * an exponential number of nodes; such files go through `yaml`, whose alias limit stops that.
 * False positives (a `*` after a space inside a quoted string) only cost speed.
 */
const ANCHOR_OR_ALIAS = /(^|[\s,[{])[&*][^\s,\]}]/m;

/** The `yaml` library's view of the file: node positions for line numbers, and its errors. */
function parseWithPositions(text: string): { doc: Document.Parsed; lineCounter: LineCounter } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yaml = require('yaml') as typeof import('yaml');
  const lineCounter = new yaml.LineCounter();
  const doc = yaml.parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  return { doc, lineCounter };
}

function syntaxError(file: string, doc: Document.Parsed, lineCounter: LineCounter): ConfigError {
  // A syntax error makes everything after it meaningless: report the syntax errors only.
  return new ConfigError(
    file,
    doc.errors.map((e) => ({ path: [], line: lineCounter.linePos(e.pos[0]).line, message: `YAML syntax: ${e.message.split('\n')[0]}` })),
  );
}

/**
 * The file's data. js-yaml on the fast path: at 1,000 domains it parses in a tenth of the time
 * `yaml` needs to build its document, which is most of a synth's configuration time. CORE_SCHEMA
 * is YAML 1.2's core schema, as `yaml` uses: no timestamps (a tag value `2024-01-01` stays a
 * string), no `<<` merge keys. Duplicate keys are an error in both.
 */
function parseRaw(text: string, file: string): { raw: unknown; positions?: ReturnType<typeof parseWithPositions> } {
  if (!ANCHOR_OR_ALIAS.test(text)) {
    try {
      return { raw: loadYaml(text, { schema: CORE_SCHEMA, filename: file }) };
    } catch (err) {
      // Report it as `yaml` words it (the wording users and tests know); if `yaml` accepts the
      // file after all, js-yaml's own message, with its line.
      const positions = parseWithPositions(text);
      if (positions.doc.errors.length > 0) throw syntaxError(file, positions.doc, positions.lineCounter);
      const e = err as { reason?: string; message: string; mark?: { line: number } };
      throw new ConfigError(file, [{ path: [], line: e.mark ? e.mark.line + 1 : undefined, message: `YAML syntax: ${e.reason ?? e.message}` }]);
    }
  }
  const positions = parseWithPositions(text);
  if (positions.doc.errors.length > 0) throw syntaxError(file, positions.doc, positions.lineCounter);
  try {
    return { raw: positions.doc.toJS({ maxAliasCount: 1000 }), positions };
  } catch (err) {
    // `yaml` throws (a ReferenceError) when aliases would expand past the limit.
    throw new ConfigError(file, [{ path: [], message: `YAML: ${(err as Error).message}; expand the aliases, or use fewer of them` }]);
  }
}

export function parseConfig(text: string, file: string): NsbridgeConfig {
  const { raw, positions } = parseRaw(text, file);

  const issues: Issue[] = [];
  const parsed = configSchema.safeParse(raw ?? {}, { reportInput: true, error: configErrorMap });
  if (!parsed.success) {
    for (const iss of parsed.error.issues) {
      const p = iss.path as Path;
      if (iss.code === 'unrecognized_keys') {
        // Point at the key itself, so the path and line name the typo.
        for (const key of iss.keys) issues.push({ path: [...p, key], message: iss.message });
      } else issues.push({ path: p, message: iss.message });
    }
  }
  issues.push(...semanticIssues(raw));
  if (issues.length > 0) {
    // Line numbers: the slow path, taken only when there is something to report.
    const { doc, lineCounter } = positions ?? parseWithPositions(text);
    const located = issues.map((i) => ({ ...i, line: locate(doc.contents, i.path, lineCounter) }));
    located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new ConfigError(file, located);
  }
  return buildModel(parsed.data!, file);
}

/** The line of the deepest node of `p` that exists (the key's line for mapping entries). */
function locate(root: unknown, p: Path, lc: LineCounter): number | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isMap, isScalar, isSeq } = require('yaml') as typeof import('yaml');
  let node = root as Node | null | undefined;
  let offset = (node as Node | undefined)?.range?.[0];
  for (const part of p) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(part));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lc.linePos(offset).line;
}

function buildModel(cfg: RawConfig, file: string): NsbridgeConfig {
  const configDir = path.dirname(file);
  const stackEntries: [string, RawStack][] = cfg.stacks ? Object.entries(cfg.stacks) : [[DEFAULT_STACK, {}]];
  const domainsByStack = new Map<string, DomainEntry[]>(stackEntries.map(([name]) => [name, []]));
  const defaults = cfg.defaults ?? {};
  const defaultTtl = defaults.ttl as number | undefined;

  for (const d of cfg.domains) {
    const stackName = d.stack ?? stackEntries[0]![0];
    const stack = cfg.stacks?.[stackName] ?? {};
    domainsByStack.get(stackName)!.push(toDomainEntry(d, stack, defaults, defaultTtl));
  }

  return {
    file,
    stacks: stackEntries.map(([name, s]) => ({
      name,
      props: {
        aws: s.aws,
        defaultTags: s.tags,
        backend: toBackend(name, s, configDir),
        delegationSet: s.delegationSet === undefined ? undefined : s.delegationSet === 'create' ? { create: true } : { id: s.delegationSet.replace(/^\/delegationset\//, '') },
        domains: domainsByStack.get(name)!,
      },
    })),
  };
}

function toDomainEntry(d: RawDomain, stack: RawStack, defaults: NonNullable<RawConfig['defaults']>, defaultTtl: number | undefined): DomainEntry {
  const zoneName = (checkDomainName(d.name) as { value: string }).value;
  // Only the name matters: it places the release step at the address it had (see RetiredDomain).
  if (d.retired) return { zoneName, retired: true };
  const choice = d.delegationSet ?? (stack.delegationSet !== undefined ? 'stack' : 'none');
  const tags = { ...(defaults.tags ?? {}), ...(d.tags ?? {}) };
  return {
    zoneName,
    registrar: d.registrar as RegistrarId,
    registrarSettings: d.registrarSettings as Record<string, string | boolean> | undefined,
    destroyPolicy: destroyPolicyOf(d, defaults) as DestroyPolicy,
    waitForDelegation: d.waitForDelegation ?? defaults.waitForDelegation,
    driftCheck: d.driftCheck ?? defaults.driftCheck,
    delegationSource: d.delegationSource ?? stack.delegationSource ?? defaults.delegationSource,
    repairDrift: d.repairDrift ?? defaults.repairDrift,
    comment: d.comment ?? defaults.comment,
    tags: Object.keys(tags).length > 0 ? tags : undefined,
    forceDestroy: d.forceDestroy ?? defaults.forceDestroy,
    records: (d.records ?? []).map((r) => toRecordSpec(r, [], defaultTtl, [])!),
    ...(d.dnssec !== undefined && d.dnssec !== false ? { dnssec: d.dnssec } : {}),
    ...(choice === 'own' ? { createDelegationSet: true } : {}),
    ...(choice === 'stack' ? { useStackDelegationSet: true } : {}),
    ...(choice !== 'none' && choice !== 'own' && choice !== 'stack' ? { delegationSetId: choice.replace(/^\/delegationset\//, '') } : {}),
  };
}

function toBackend(stackName: string, s: RawStack, configDir: string): DomainsStackProps['backend'] {
  const b = s.backend;
  if (b?.type === 's3') {
    return { ...b, key: b.key ?? `nsbridge/${stackName}.tfstate` };
  }
  // Local state lives next to the configuration file by default, never inside cdktf.out (the
  // cdktf CLI deletes stack directories that are no longer synthesized).
  return { type: 'local', path: path.resolve(configDir, b?.path ?? `terraform.${stackName}.tfstate`) };
}

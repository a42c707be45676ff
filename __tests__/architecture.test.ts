/**
 * The folders are layers, and an import only ever points down (or stays in its folder):
 *
 *   core/                  shared by everything; imports nothing of ours
 *   dns/                   DNS queries and checks
 *   registrar-adapters/    the registrar kit (core/) and one folder per registrar
 *   modules/, review/      the constructs; the plan report
 *   config/, cli/          the YAML loader; the CLI
 *   main.ts                the YAML app
 *   testing/               test doubles (emulators, loopback DNS): may use anything, used only by tests
 *
 * Inside registrar-adapters/, a registrar's folder uses the kit and itself, never another
 * registrar. The test reads every import (static, export-from, require, dynamic import).
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..');
const LAYER: Record<string, number> = {
  core: 0,
  dns: 1,
  'registrar-adapters': 2,
  modules: 3,
  review: 3,
  config: 4,
  cli: 4,
  'main.ts': 5,
  testing: 6,
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const IMPORT = /(?:\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g;

/** Relative imports of a file, resolved to repository paths (posix separators). */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const base = resolve(dirname(file), m[1]);
    const target = ['', '.ts', '/index.ts'].map((e) => base + e).find((c) => existsSync(c) && statSync(c).isFile());
    out.push(relative(ROOT, target ?? base).split(sep).join('/'));
  }
  return out;
}

const top = (repoPath: string) => repoPath.split('/')[0];

function violations(): string[] {
  const found: string[] = [];
  const files = [join(ROOT, 'main.ts'), ...Object.keys(LAYER).filter((d) => d !== 'main.ts').flatMap((d) => sources(join(ROOT, d)))];
  for (const file of files) {
    const from = relative(ROOT, file).split(sep).join('/');
    for (const to of importsOf(file)) {
      const a = top(from);
      const b = top(to);
      if (!(b in LAYER)) {
        found.push(`${from} imports ${to}, which is outside the layered folders`);
        continue;
      }
      if (a !== b && LAYER[b] >= LAYER[a]) found.push(`${from} (layer ${a}) imports ${to} (layer ${b}): imports point down only`);
      const reg = /^registrar-adapters\/([^/]+)\//;
      const ra = reg.exec(from)?.[1];
      const rb = reg.exec(to)?.[1];
      if (ra && rb && ra !== 'core' && rb !== 'core' && ra !== rb) found.push(`${from} imports ${to}: a registrar's folder never imports another registrar's`);
    }
  }
  return found;
}

describe('architecture', () => {
  test('no import points up a layer, and no registrar imports another', () => {
    expect(violations()).toEqual([]);
  });

  test('the check sees a real import (so an empty result means something)', () => {
    expect(importsOf(join(ROOT, 'cli', 'commands', 'release.ts'))).toContain('core/destroy-policy.ts');
    expect(importsOf(join(ROOT, 'registrar-adapters', 'godaddy', 'adapter.ts'))).toContain('registrar-adapters/core/http.ts');
  });

  test('production code never imports test doubles', () => {
    const files = Object.keys(LAYER)
      .filter((d) => d !== 'testing' && d !== 'main.ts')
      .flatMap((d) => sources(join(ROOT, d)));
    const bad = files.flatMap((f) => importsOf(f).filter((t) => t.startsWith('testing/')).map((t) => `${relative(ROOT, f)} -> ${t}`));
    expect(bad).toEqual([]);
  });
});

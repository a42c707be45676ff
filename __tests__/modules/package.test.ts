/**
 * The construct library as another app sees it: `import { DelegatedDomain } from 'nsbridge'`
 * resolves through package.json's "main" (JavaScript, built by scripts/build.js) and "types"
 * (declarations, `npm run build:types`), and a pack ships both (dist/ is git-ignored, so only the
 * "files" list gets it into a pack or a git dependency).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  types: string;
  files: string[];
  scripts: Record<string, string>;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the package as a library', () => {
  test('"main" is the construct library, built by scripts/build.js', () => {
    expect(pkg.main).toBe('dist/modules/index.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require(path.join(root, pkg.main)) as Record<string, unknown>;
    for (const name of ['DelegatedDomain', 'RegistrarDelegation', 'RetiredDomain', 'RetiredDelegation', 'HostedZone', 'SubdomainDelegation', 'DomainsStack']) {
      expect(typeof lib[name]).toBe('function');
    }
    expect(lib.DestroyPolicy).toEqual({ RESTORE: 'restore', RETAIN: 'retain', REFUSE: 'refuse' });
  });

  test('"types" resolves for a TypeScript consumer of "nsbridge" once build:types has run', () => {
    // GIVEN the declarations, and a consumer project that has nsbridge in its node_modules
    const build = spawnSync(npm, ['run', '--silent', 'build:types'], { cwd: root, encoding: 'utf8' });
    expect(build.stdout + build.stderr).toBe('');
    expect(build.status).toBe(0);
    expect(fs.existsSync(path.join(root, pkg.types))).toBe(true);
    const consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'nsbridge-consumer-'));
    fs.mkdirSync(path.join(consumer, 'node_modules'));
    fs.symlinkSync(root, path.join(consumer, 'node_modules', 'nsbridge'), 'dir');
    fs.writeFileSync(
      path.join(consumer, 'main.ts'),
      [
        "import { DelegatedDomain, DestroyPolicy, RegistrarDelegationProps } from 'nsbridge';",
        "const props: RegistrarDelegationProps = { domain: 'example.com', registrar: 'godaddy', nameServers: [], destroyPolicy: DestroyPolicy.RESTORE };",
        'export const used: unknown[] = [DelegatedDomain, props];',
        // A wrong registrar id must be a type error: the declarations carry the real types.
        "// @ts-expect-error not a registrar id\nexport const wrong: RegistrarDelegationProps['registrar'] = 'hover';",
      ].join('\n'),
    );
    // WHEN it is type-checked
    const tsc = spawnSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'commonjs', '--moduleResolution', 'node', '--target', 'ES2022', '--skipLibCheck', 'main.ts'],
      { cwd: consumer, encoding: 'utf8' },
    );
    // THEN it compiles
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);

  test('a pack ships the built library, its declarations and the CLI bundle ("files")', () => {
    expect(pkg.files).toEqual(['dist', 'bin']);
    expect(pkg.scripts.prepack).toBe('node scripts/build.js && npm run build:types');
    const pack = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    expect(pack.status).toBe(0);
    const files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining([pkg.main, 'dist/nsbridge.js', 'bin/nsbridge.js', 'package.json']));
    expect(files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);
  });
});

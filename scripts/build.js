#!/usr/bin/env node
// Build: esbuild only, no type-checking (that is `npm run typecheck`), so a build takes well under a second.
//  - dist/**: every TypeScript source transpiled 1:1 to CommonJS, for the CDKTF app (`node dist/main.js`),
//    the emulators and the benchmarks.
//  - dist/nsbridge.js: the CLI as ONE self-contained file (no node_modules needed). It is what the
//    RegistrarDelegation construct ships with the synthesized stack as a TerraformAsset.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const sourceDirs = ['core', 'dns', 'modules', 'config', 'registrar-adapters', 'cli', 'scripts'];

function listTs(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/**
 * Write esbuild's outputs atomically (temp file + rename): tests and Terraform may be running the
 * CLI from dist/ while a rebuild happens, and must never read a half-written bundle.
 */
function writeAtomically(outputFiles) {
  for (const file of outputFiles) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.renameSync(tmp, file.path);
  }
}

async function main() {
  const mainTs = path.join(root, 'main.ts');
  const entryPoints = [...(fs.existsSync(mainTs) ? [mainTs] : []), ...sourceDirs.flatMap((d) => listTs(path.join(root, d)))];
  await esbuild.build({
    entryPoints,
    outdir: path.join(root, 'dist'),
    outbase: root,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: false,
    logLevel: 'warning',
    write: false,
  }).then((r) => writeAtomically(r.outputFiles));
  await esbuild.build({
    entryPoints: [path.join(root, 'cli', 'bin.ts')],
    outfile: path.join(root, 'dist', 'nsbridge.js'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // The CLI must never pull the CDKTF libraries in; fail the build loudly if it does.
    external: ['cdktf', '@cdktf/*', 'constructs'],
    write: false,
  }).then((r) => writeAtomically(r.outputFiles));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

#!/usr/bin/env node
// Build: esbuild only, no type-checking (that is `npm run typecheck`), so a build takes well under a second.
//  - dist/**: every TypeScript source transpiled 1:1 to CommonJS, for the CDKTF app (`node dist/main.js`),
//    the emulators and the benchmarks.
//  - dist/nsbridge.js: the CLI as ONE self-contained file (no node_modules needed). It is what the
//    RegistrarDelegation construct ships with the synthesized stack as a TerraformAsset.
//  - dist/app/{main,worker}.js: the CDKTF app as bundles, for a fast start of scripts/app.js.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const sourceDirs = require('./source-dirs');

/** The files below `dir` whose name `wanted` accepts. */
function listFiles(dir, wanted) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, wanted));
    else if (wanted(entry.name)) out.push(full);
  }
  return out;
}
const listTs = (dir) => listFiles(dir, (name) => name.endsWith('.ts') && !name.endsWith('.d.ts'));

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

/**
 * `NSBRIDGE_BUILD_ANALYZE=1 npm run build` prints what takes the room in the CLI bundle: esbuild's
 * analysis of the shell and of each embedded package (adapters' own code is small; see bench:package).
 */
const analyze = process.env.NSBRIDGE_BUILD_ANALYZE === '1';
async function printAnalysis(label, result) {
  if (analyze) console.log(`\n${label}:${await esbuild.analyzeMetafile(result.metafile)}`);
}

/** Options every bundle shares: one CommonJS file for Node 20, minified. */
// keepNames: error classes are told apart by name across the separately bundled adapters.
const BUNDLE = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, keepNames: true, legalComments: 'none', logLevel: 'warning', write: false };

/**
 * Modules compiled only when something first requires them. Their code is not in the bundle's
 * JavaScript but in one block comment at its end (`appendPayloads`), read from the file on first
 * use: at start-up V8 skips a comment almost for free, where the same code as string literals
 * cost ~10 ms of every start (1 MB scanned and allocated). The code stays plain text (not
 * compressed): whoever audits what a stack runs with their registrar credentials can read and
 * grep it, and package scanners do not see an encoded blob.
 */
const payloads = new Map(); // name -> code
const PAYLOAD_MARKER = '/*NSBRIDGE-PAYLOADS\n';
// Inside the comment, "*/" must not occur: \x01 is doubled, then "*/" written as "*\x01/";
// entries are "name\x01=code", separated by "\x01#" (sequences the encoding never produces).
const encodePayload = (code) => code.replace(/\x01/g, '\x01\x01').replace(/\*\//g, '*\x01/');

/** A module whose code is the payload `name`; `requireExpr` is the require the code gets. */
function lazyModule(name, code, requireExpr = 'require') {
  payloads.set(name, code);
  return (
    `const source = require('nsbridge:payloads')(${JSON.stringify(name)});\n` +
    'const m = { exports: {} };\n' +
    `new Function('module', 'exports', 'require', source)(m, m.exports, ${requireExpr});\n` +
    'module.exports = m.exports;\n'
  );
}

/** The shell's reader of the payload comment: the last marker in the file (the code holds one too, here). */
const PAYLOAD_READER = `
const MARKER = ${JSON.stringify(PAYLOAD_MARKER)};
let table;
module.exports = (name) => {
  if (!table) {
    const text = require('node:fs').readFileSync(__filename, 'utf8');
    const start = text.lastIndexOf(MARKER) + MARKER.length;
    table = new Map();
    for (const entry of text.slice(start, text.lastIndexOf('*/')).split('\\x01#')) {
      const at = entry.indexOf('\\x01=');
      table.set(entry.slice(0, at), entry.slice(at + 2).replace(/\\*\\x01\\/|\\x01\\x01/g, (m) => (m.length === 3 ? '*/' : '\\x01')));
    }
  }
  if (!table.has(name)) throw new Error(\`nsbridge bundle: no embedded module \${name} in \${__filename}\`);
  return table.get(name);
};
`;

/** The payload comment, in name order so that the same sources always give the same bundle. */
function appendPayloads(contents) {
  const entries = [...payloads].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, code]) => `${name}\x01=${encodePayload(code)}`);
  return Buffer.concat([Buffer.from(contents), Buffer.from(`\n${PAYLOAD_MARKER}${entries.join('\x01#')}*/\n`)]);
}

/** The npm package a bundled input path belongs to ("axios", "@aws-sdk/client-route-53-domains"), if any. */
function packageOf(input) {
  const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(input);
  return m ? m[1].replace(/\\/g, '/') : undefined;
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
  // Data files the transpiled code requires (each registrar's facts, registrar-adapters/<id>/info.json)
  // sit next to it in dist/, as in the sources; the bundles below inline them.
  const dataFiles = sourceDirs.flatMap((d) => listFiles(path.join(root, d), (name) => name.endsWith('.json')));
  writeAtomically(dataFiles.map((file) => ({ path: path.join(root, 'dist', path.relative(root, file)), contents: fs.readFileSync(file) })));
  // Each registrar adapter is bundled on its own and embedded as a string, compiled only when a
  // get/set loads it: a start pays for the shell (commander, the catalog, the DNS checks) and for
  // the one adapter it uses. Errors cross that boundary recognised by a symbol
  // (NsbridgeError.isNsbridgeError), not instanceof.
  // What adapters share stays out of each adapter's bundle, handed over by the shell instead: the
  // registrar kit (registrar-adapters/core/, core/: one copy, one rate limiter) and npm packages
  // (axios, axios-retry, proper-lockfile, the AWS SDK...), each package embedded ONCE as its own
  // lazily compiled string. Bundled per adapter, axios alone (~300 KB with form-data/mime-db) was
  // carried once per HTTP registrar.
  const adapterSources = listTs(path.join(root, 'registrar-adapters')).filter((f) => /[\\/]registrar-adapters[\\/][a-z0-9]+[\\/]adapter\.ts$/.test(f));
  const isPackage = (p) => !p.startsWith('.') && !path.isAbsolute(p) && !p.startsWith('node:') && !require('node:module').builtinModules.includes(p);
  const adapterBundles = new Map();
  const adapterPackages = new Set();
  const kitModules = new Map(); // "nsbridge-kit:core/errors" -> absolute path of the source
  const kitDirs = [path.join(root, 'registrar-adapters', 'core') + path.sep, path.join(root, 'core') + path.sep];
  const packagesExternal = {
    name: 'packages-external',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (args.path.startsWith('.')) {
          const base = path.resolve(args.resolveDir, args.path);
          const file = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => fs.existsSync(f));
          if (!file || !kitDirs.some((d) => file.startsWith(d))) return undefined;
          const id = `nsbridge-kit:${path.relative(root, file).replace(/\\/g, '/').replace(/\.ts$/, '')}`;
          kitModules.set(id, file);
          return { path: id, external: true };
        }
        if (!isPackage(args.path)) return undefined;
        adapterPackages.add(args.path);
        return { path: args.path, external: true };
      });
    },
  };
  for (const file of adapterSources) {
    const out = await esbuild.build({ ...BUNDLE, entryPoints: [file], plugins: [packagesExternal] });
    adapterBundles.set(file, out.outputFiles[0].text);
  }
  // The kit's own packages (axios for registrar-adapters/core/http...) are embedded lazily too:
  // bundled into the shell's code they would be parsed at every start.
  const kitPackages = {
    name: 'kit-packages',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || !isPackage(args.path)) return undefined;
        adapterPackages.add(args.path);
        return { path: args.path, external: true };
      });
    },
  };
  await esbuild.build({ ...BUNDLE, entryPoints: [...kitModules.values()], outdir: path.join(root, 'dist', 'kit'), plugins: [kitPackages] });
  // Packages the shell bundles anyway (dns-packet for the manual adapter's checks) are handed over
  // from the shell's own copy instead of being embedded a second time.
  const shellOnly = await esbuild.build({
    ...BUNDLE,
    entryPoints: [path.join(root, 'cli', 'bin.ts')],
    metafile: true,
    external: ['cdktf', '@cdktf/*', 'constructs'],
    plugins: [{ name: 'no-adapters', setup: (b) => b.onResolve({ filter: /^\.\/[a-z0-9]+\/adapter$/ }, (a) => ({ path: a.path, external: true })) }],
  });
  const shellPackages = new Set(Object.keys(shellOnly.metafile.inputs).map(packageOf).filter(Boolean));
  const packageNames = [...adapterPackages].sort();
  // Modules of bundled packages that no code path of nsbridge's runs, each replaced by an empty
  // object (`importer`: only where that package imports it):
  //  - mime-db (~140 KB): axios → form-data → mime-types guess the content type of a file uploaded
  //    as multipart form data. No adapter uploads files (no FormData anywhere): an empty database
  //    makes mime-types answer "unknown", which form-data turns into application/octet-stream.
  //  - zod's locales index (~320 KB): error messages in ~40 languages for
  //    `z.config(z.locales.xx())`, which nsbridge never calls; the English messages zod uses by
  //    default come from its en locale, imported apart from the index.
  const UNUSED_MODULES = [
    { path: /^mime-db$/ },
    { path: /^\.\.\/locales\/index\.js$/, importer: /[\\/]node_modules[\\/]zod[\\/]/ },
  ];
  const unusedModules = {
    name: 'unused-modules',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) =>
        UNUSED_MODULES.some((m) => m.path.test(args.path) && (!m.importer || m.importer.test(args.importer)))
          ? { path: args.path, namespace: 'unused-module' }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'unused-module' }, () => ({ loader: 'js', contents: 'module.exports = {};' }));
    },
  };
  // How a shared package is embedded: `require(name)`, what the adapters' CommonJS asks for; but
  // zod, which every adapter imports by name only (`import { z } from 'zod'`), from its ES module
  // build, where the locales stub above can take effect (its CommonJS build imports every locale).
  const ES_MODULE_ENTRY = new Set(['zod']);
  const sharedPackageEntry = (name) => (ES_MODULE_ENTRY.has(name) ? `export * from ${JSON.stringify(name)};` : `module.exports = require(${JSON.stringify(name)});`);
  const sharedPackages = {
    name: 'shared-packages',
    setup(build) {
      build.onResolve({ filter: /^nsbridge:adapter-require$/ }, () => ({ path: 'adapter-require', namespace: 'shared-packages' }));
      build.onLoad({ filter: /^adapter-require$/, namespace: 'shared-packages' }, () => ({
        loader: 'js',
        resolveDir: root,
        contents:
          'const loaders = {\n' +
          packageNames.map((p) => `  ${JSON.stringify(p)}: () => require(${JSON.stringify(p)}),`).join('\n') +
          '\n' +
          [...kitModules].sort().map(([id, file]) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(file)}),`).join('\n') +
          // Anything else must be a Node built-in: an installed package has no node_modules to fall
          // back on, so a missing entry fails here, in this repository's tests too.
          "\n};\nmodule.exports = (id) => {\n" +
          '  if (Object.hasOwn(loaders, id)) return loaders[id]();\n' +
          "  if (require('node:module').isBuiltin(id)) return require(id);\n" +
          '  throw new Error(`nsbridge bundle: ${id} is not embedded for the adapters (scripts/build.js)`);\n};\n',
      }));
      // Anywhere in the shell (the adapter-require table, the kit's own imports), a package only
      // adapters use is the lazily compiled copy.
      build.onResolve({ filter: /.*/ }, (args) =>
        adapterPackages.has(args.path) && !shellPackages.has(packageOf(`node_modules/${args.path}`)) && args.namespace !== 'shared-package'
          ? { path: args.path, namespace: 'shared-package' }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'shared-package' }, (args) => {
        if (!packageModules.has(args.path)) packageModules.set(args.path, buildSharedPackage(args.path));
        return packageModules.get(args.path);
      });
    },
  };
  // Each package's lazily compiled copy, built once though the CLI is built twice (below).
  const packageModules = new Map();
  const buildSharedPackage = async (name) => {
    const out = await esbuild.build({
      ...BUNDLE,
      stdin: { contents: sharedPackageEntry(name), resolveDir: root, loader: 'js' },
      // A package's ES module build where it has one: esbuild drops what nothing uses (the AWS
      // SDK's CommonJS build is one file per package, kept whole: ~135 KB more).
      mainFields: ['module', 'main'],
      plugins: [unusedModules],
      metafile: analyze,
    });
    await printAnalysis(`package ${name} (embedded, compiled on first use)`, out);
    return { loader: 'js', contents: lazyModule(`package:${name}`, out.outputFiles[0].text) };
  };
  const embeddedAdapters = {
    name: 'embedded-adapters',
    setup(build) {
      build.onResolve({ filter: /^\.\/[a-z0-9]+\/adapter$/ }, (args) => {
        if (!args.importer.endsWith(path.join('registrar-adapters', 'index.ts'))) return undefined;
        return { path: path.join(path.dirname(args.importer), `${args.path}.ts`), namespace: 'embedded-adapter' };
      });
      build.onLoad({ filter: /.*/, namespace: 'embedded-adapter' }, (args) => ({
        loader: 'js',
        resolveDir: root,
        contents: lazyModule(`adapter:${path.relative(root, args.path).replace(/\\/g, '/')}`, adapterBundles.get(args.path), "require('nsbridge:adapter-require')"),
      }));
    },
  };
  const payloadReader = {
    name: 'payload-reader',
    setup(build) {
      build.onResolve({ filter: /^nsbridge:payloads$/ }, () => ({ path: 'payloads', namespace: 'payload-reader' }));
      build.onLoad({ filter: /.*/, namespace: 'payload-reader' }, () => ({ loader: 'js', contents: PAYLOAD_READER }));
    },
  };
  const buildCli = (topLevelHelp) =>
    esbuild.build({
      ...BUNDLE,
      entryPoints: [path.join(root, 'cli', 'bin.ts')],
      plugins: [embeddedAdapters, sharedPackages, payloadReader],
      outfile: path.join(root, 'dist', 'nsbridge.js'),
      // The CLI must never pull the CDKTF libraries in; fail the build loudly if it does.
      external: ['cdktf', '@cdktf/*', 'constructs'],
      define: { NSBRIDGE_TOP_LEVEL_HELP: JSON.stringify(topLevelHelp) },
      metafile: analyze,
    });
  // Built twice: once to run `--help` through commander (stdout a pipe: 80 columns) and keep its
  // text, once with that text in, which cli/bin.ts prints without loading any command.
  const probe = path.join(root, 'dist', `nsbridge-help.${process.pid}.tmp.js`);
  let topLevelHelp;
  try {
    fs.writeFileSync(probe, appendPayloads((await buildCli(null)).outputFiles[0].contents));
    topLevelHelp = execFileSync(process.execPath, [probe, '--help'], { encoding: 'utf8', env: {}, stdio: ['ignore', 'pipe', 'inherit'] });
  } finally {
    fs.rmSync(probe, { force: true });
  }
  if (!topLevelHelp.startsWith('Usage: nsbridge')) throw new Error(`nsbridge --help printed no help:\n${topLevelHelp}`);
  const cli = await buildCli(topLevelHelp);
  await printAnalysis('CLI bundle dist/nsbridge.js (the shell; each embedded part counts as its loader)', cli);
  writeAtomically(cli.outputFiles.map((f) => ({ path: f.path, contents: appendPayloads(f.contents) })));
  // The CDKTF app that scripts/app.js runs, as two bundles: dist/app/main.js (cdktf, the provider
  // classes, the constructs) and dist/app/worker.js (the configuration loader). One file each
  // instead of some 400 modules looked up and read one by one: ~150 ms of a synth's start-up.
  // Not minified, so a stack trace still names cdktf's functions. cdktf loads `archiver` for
  // ARCHIVE assets, which nsbridge never creates (its CLI asset is a FILE): a stub that fails
  // loudly if that ever changes saves another ~90 ms. dist/modules/ etc. stay unbundled for
  // library users, whose own bundler decides.
  const noArchiver = {
    name: 'no-archiver',
    setup(build) {
      build.onResolve({ filter: /^archiver$/ }, () => ({ path: 'archiver', namespace: 'no-archiver' }));
      build.onLoad({ filter: /.*/, namespace: 'no-archiver' }, () => ({
        loader: 'js',
        contents: "module.exports = () => { throw new Error('the nsbridge app bundle leaves archiver out: ARCHIVE assets are not supported'); };",
      }));
    },
  };
  // main.ts loads the configuration loader itself only when run on its own (`node dist/main.js`);
  // under scripts/app.js the worker does that. Bundled in, the loader and its libraries (zod, two
  // YAML parsers: over half of the bundle) would be compiled for nothing: it stays a require of the
  // 1:1 build. Likewise `yaml` in the worker: it is needed only to report a problem's line.
  const unbundledLoader = {
    name: 'unbundled-config-loader',
    setup(build) {
      build.onResolve({ filter: /^\.\/config\/load$/ }, (args) =>
        args.importer === mainTs ? { path: '../config/load.js', external: true } : undefined,
      );
    },
  };
  const appBundle = { ...BUNDLE, minify: false, outdir: path.join(root, 'dist', 'app') };
  await esbuild.build({ ...appBundle, entryPoints: { main: mainTs }, plugins: [noArchiver, unbundledLoader] }).then((r) => writeAtomically(r.outputFiles));
  await esbuild.build({ ...appBundle, entryPoints: { worker: path.join(root, 'config', 'worker.ts') }, external: ['yaml'] }).then((r) =>
    writeAtomically(r.outputFiles),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

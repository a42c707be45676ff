// Loads a test double (testing/**, TypeScript, never part of dist/ or the package) into a script
// such as a benchmark: esbuild bundles the entry in memory, packages stay require()s.
const esbuild = require('esbuild');
const Module = require('node:module');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Bundles and loads one TypeScript file (absolute path) with its imports. */
function loadFile(file) {
  const out = esbuild.buildSync({ entryPoints: [file], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'warning' });
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(out.outputFiles[0].text, file);
  return m.exports;
}

module.exports = function loadTesting(relPath) {
  return loadFile(path.join(root, 'testing', relPath));
};
module.exports.loadFile = loadFile;

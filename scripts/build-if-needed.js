// Build dist/ (esbuild, well under a second) before a script uses it: benchmarks and tools
// always run the current sources, never a stale build.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

execFileSync(process.execPath, [join(__dirname, 'build.js')], { stdio: 'inherit' });

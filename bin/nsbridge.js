#!/usr/bin/env node
// The nsbridge CLI. `npm ci` (through the `prepare` script) or `npm run build` writes the bundle.
// From Node 22.1, V8's compiled code of the bundle is kept in Node's compile cache (in the temp
// directory) for the next start; Node 20 has no such API, and starts as before.
require('node:module').enableCompileCache?.();
require('../dist/nsbridge.js');

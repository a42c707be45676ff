#!/usr/bin/env node
// The nsbridge CLI. `npm ci` (through the `prepare` script) or `npm run build` writes the bundle.
require('../dist/nsbridge.js');

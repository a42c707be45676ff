#!/usr/bin/env node
// Trims a writable copy of OpenTofu's or Terraform's source to the state backends (and, for
// OpenTofu, the state-encryption key providers) the e2e suite can use, so that the cloud SDKs of
// the others (Azure, Google Cloud, Alibaba, Tencent, Kubernetes, Consul, Postgres) are not
// compiled. Only the two registration files change; every kept backend, and the whole engine
// otherwise, is the real unmodified code. Kept: local, remote, cloud, http, inmem, s3; key
// providers pbkdf2, aws_kms, openbao, external. A dropped backend makes `init` fail with the
// engine's own "unsupported backend type" error.
//
//   node trim-engine.js SRC_DIR
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const src = process.argv[2];
if (!src) {
  console.error('usage: trim-engine.js SRC_DIR');
  process.exit(2);
}
const fail = (msg) => {
  console.error(`trim-engine: ${msg}`);
  process.exit(1);
};

const DROP_BACKENDS = ['azure', 'consul', 'cos', 'gcs', 'kubernetes', 'oss', 'pg'];
const DROP_KEY_PROVIDERS = ['gcp_kms', 'azure_vault'];

/**
 * Drops the imports of `file` whose path ends with one of `dirs`, and every statement that uses
 * their package name: a one-line map entry, or a multi-line `if ... {` block up to its closing line.
 */
function drop(rel, dirs, optional = false) {
  const file = path.join(src, rel);
  if (!fs.existsSync(file)) {
    if (optional) return [];
    fail(`${rel} not found`);
  }
  let lines = fs.readFileSync(file, 'utf8').split('\n');
  const dropped = [];
  for (const dir of dirs) {
    const i = lines.findIndex((l) => new RegExp(`^\\t(?:(\\w+) )?"[^"]+/${dir}"$`).test(l));
    if (i < 0) fail(`${rel}: no import of .../${dir}`);
    const m = /^\t(?:(\w+) )?"[^"]+\/(\w+)"$/.exec(lines[i]);
    const name = m[1] || m[2];
    lines.splice(i, 1);
    const uses = new RegExp(`\\b${name}\\.`);
    const out = [];
    for (let j = 0; j < lines.length; j++) {
      if (!uses.test(lines[j])) {
        out.push(lines[j]);
        continue;
      }
      if (/\{\s*$/.test(lines[j])) {
        const indent = /^\s*/.exec(lines[j])[0];
        while (j < lines.length && lines[j] !== `${indent}}`) j++;
      }
    }
    if (out.length === lines.length) fail(`${rel}: ${name} is imported but never used`);
    lines = out;
    dropped.push(dir);
  }
  fs.writeFileSync(file, lines.join('\n'));
  return dropped;
}

const backends = drop('internal/backend/init/init.go', DROP_BACKENDS);
// OpenTofu only (state encryption); Terraform has no such file
const keyProviders = drop('internal/encryption/default_registry.go', DROP_KEY_PROVIDERS, true);
console.log(`trim-engine: dropped backends: ${backends.join(' ')}${keyProviders.length ? `; key providers: ${keyProviders.join(' ')}` : ''}`);

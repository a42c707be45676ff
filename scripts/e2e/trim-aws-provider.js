#!/usr/bin/env node
// Trims a writable copy of the AWS provider's source to the service packages the e2e stacks use, so
// that only a fraction of the provider (and of the AWS SDK) is compiled. Every kept service keeps
// its real, unmodified implementation; only the two generated registration lists change:
//   internal/provider/sdkv2/service_packages_gen.go  the service packages the provider registers
//                                                     (SDKv2 and Plugin Framework resources alike)
//   internal/conns/awsclient_gen.go                   one AWS SDK client accessor per service; the
//                                                     accessors that no compiled package calls go,
//                                                     with the SDK imports only they used
//
//   node trim-aws-provider.js SRC_DIR SERVICE...      e.g. route53 route53domains kms sts meta
//
// Prints what it kept. Fails when a requested service does not exist or the generated files do not
// have the expected shape (a new provider version must then be looked at, not trimmed blindly).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [src, ...keep] = process.argv.slice(2);
if (!src || keep.length === 0) {
  console.error('usage: trim-aws-provider.js SRC_DIR SERVICE...');
  process.exit(2);
}
const MODULE = 'github.com/hashicorp/terraform-provider-aws';
const fail = (msg) => {
  console.error(`trim-aws-provider: ${msg}`);
  process.exit(1);
};
const read = (rel) => fs.readFileSync(path.join(src, rel), 'utf8');
const write = (rel, text) => fs.writeFileSync(path.join(src, rel), text);

// ---- 1. the registered service packages ----------------------------------------------------------
const SP = 'internal/provider/sdkv2/service_packages_gen.go';
let sp = read(SP);
const known = new Set([...sp.matchAll(/^\t"github\.com\/hashicorp\/terraform-provider-aws\/internal\/service\/([a-z0-9]+)"$/gm)].map((m) => m[1]));
if (known.size < 100) fail(`${SP}: expected the generated list of ~260 service imports, found ${known.size}`);
for (const s of keep) if (!known.has(s)) fail(`${SP}: no service package "${s}"`);
const keepSet = new Set(keep);
let registered = 0;
sp = sp
  .split('\n')
  .filter((line) => {
    let m = line.match(/^\t"github\.com\/hashicorp\/terraform-provider-aws\/internal\/service\/([a-z0-9]+)"$/);
    if (m) return keepSet.has(m[1]);
    m = line.match(/^\t\t([a-z0-9]+)\.ServicePackage\(ctx\),$/);
    if (m) {
      if (keepSet.has(m[1])) registered++;
      return keepSet.has(m[1]);
    }
    return true;
  })
  .join('\n');
if (registered !== keepSet.size) fail(`${SP}: registered ${registered} of ${keepSet.size} services; unexpected list shape`);
write(SP, sp);

// ---- 2. the packages of this module that the build compiles (non-test files) -------------------
function goFiles(dir) {
  return fs
    .readdirSync(path.join(src, dir))
    .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
    .map((f) => path.join(dir, f));
}
function imports(text) {
  const out = [];
  const block = text.match(/^import \(([\s\S]*?)^\)/m);
  const lines = block ? block[1].split('\n') : [];
  for (const m of text.matchAll(/^import\s+(?:[\w.]+\s+)?"([^"]+)"/gm)) lines.push(`"${m[1]}"`);
  for (const l of lines) {
    const m = l.match(/"([^"]+)"/);
    if (m) out.push(m[1]);
  }
  return out;
}
const seen = new Set();
const queue = ['.'];
while (queue.length) {
  const dir = queue.pop();
  if (seen.has(dir)) continue;
  seen.add(dir);
  for (const f of goFiles(dir)) {
    for (const imp of imports(read(f))) {
      if (imp === MODULE || imp.startsWith(`${MODULE}/`)) queue.push(imp === MODULE ? '.' : imp.slice(MODULE.length + 1));
    }
  }
}

// ---- 3. the client accessors those packages call --------------------------------------------------
const AC = 'internal/conns/awsclient_gen.go';
const ac = read(AC);
const accessor = /^func \(c \*AWSClient\) (\w+)\(ctx context\.Context\) \*(\w+)\.Client \{\n[^\n]*\n\}\n\n?/gm;
const defined = new Map([...ac.matchAll(accessor)].map((m) => [m[1], m[2]]));
if (defined.size < 100) fail(`${AC}: expected ~260 client accessors, found ${defined.size}`);
const called = new Set();
for (const dir of seen) {
  for (const f of goFiles(dir)) {
    if (f === AC) continue;
    for (const m of read(f).matchAll(/\.(\w+Client)\(/g)) if (defined.has(m[1])) called.add(m[1]);
  }
}
let trimmed = ac.replace(accessor, (all, name) => (called.has(name) ? all : ''));
// drop the SDK imports no kept accessor uses (Go rejects unused imports)
trimmed = trimmed.replace(/^\t(?:(\w+) )?"github\.com\/aws\/aws-sdk-go-v2\/service\/([\w-]+)"\n/gm, (line, alias, pkg) =>
  new RegExp(`\\b${alias || pkg}\\.`).test(trimmed.replace(line, '')) ? line : '',
);
write(AC, trimmed);

console.log(`trim-aws-provider: registered services: ${[...keepSet].join(' ')}`);
console.log(`trim-aws-provider: ${seen.size} provider packages compiled; client accessors kept (${called.size} of ${defined.size}): ${[...called].sort().join(' ')}`);

/**
 * Every registrar's facts file (registrar-adapters/<id>/info.json) fits the schema, and the loader
 * turns the standard settings into their NSBRIDGE_<ID>_* variables. The library does not check the
 * files at run time (it ships without zod), so this is where a bad file is caught.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRAR_IDS, REGISTRARS } from '../../registrar-adapters/catalog';
import { loadRegistrarInfo } from '../../registrar-adapters/core/info-file';
import { registrarFactsProblems } from '../../registrar-adapters/core/info-schema';

const adaptersDir = join(__dirname, '..', '..', 'registrar-adapters');
const registrarDirs = readdirSync(adaptersDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'core')
  .map((e) => e.name)
  .sort();
const readFacts = (id: string): unknown => JSON.parse(readFileSync(join(adaptersDir, id, 'info.json'), 'utf8'));

test('every registrar folder has an info.json, and the catalog lists exactly those folders', () => {
  expect(registrarDirs.filter((id) => !existsSync(join(adaptersDir, id, 'info.json')))).toEqual([]);
  expect([...REGISTRAR_IDS].sort()).toEqual(registrarDirs);
});

test.each(registrarDirs)('registrar-adapters/%s/info.json fits the schema and names its own folder', (id) => {
  const facts = readFacts(id);
  expect(registrarFactsProblems(`registrar-adapters/${id}/info.json`, facts)).toEqual([]);
  expect((facts as { id: string }).id).toBe(id);
  expect(REGISTRARS[id as keyof typeof REGISTRARS]).toEqual(loadRegistrarInfo(facts as object));
});

describe('a file that does not fit is reported with the file and the field', () => {
  const file = 'registrar-adapters/godaddy/info.json';
  const godaddy = () => JSON.parse(JSON.stringify(readFacts('godaddy')));

  test('a capability given as a word instead of an object with `supported`', () => {
    const facts = godaddy();
    facts.capabilities.dnssec = 'yes';
    expect(registrarFactsProblems(file, facts)).toEqual([expect.stringMatching(/^registrar-adapters\/godaddy\/info\.json: capabilities\.dnssec: /)]);
  });

  test('an unsupported capability without its reason', () => {
    const facts = godaddy();
    facts.capabilities.sandbox = { supported: false };
    expect(registrarFactsProblems(file, facts).join('\n')).toMatch(/info\.json: capabilities\.sandbox/);
  });

  test('a misspelt field (strict objects: a typo is never silently dropped)', () => {
    const facts = godaddy();
    facts.quirk = facts.quirks;
    delete facts.quirks;
    const problems = registrarFactsProblems(file, facts).join('\n');
    expect(problems).toMatch(/info\.json: quirks: /);
    expect(problems).toMatch(/info\.json: .*"quirk"/);
  });

  test('a setting of the wrong type, and a rate limit that is not a number', () => {
    const facts = godaddy();
    facts.settings.own[0].type = 'number';
    facts.rateLimit.perMs = '60s';
    const problems = registrarFactsProblems(file, facts);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/info\.json: settings\.own\.0\.type: /), expect.stringMatching(/info\.json: rateLimit\.perMs: /)]),
    );
  });
});

test('the loader writes the standard settings with their variables, in the order sandbox, own, operation', () => {
  const info = loadRegistrarInfo({
    ...(readFacts('godaddy') as object),
    settings: {
      sandbox: 'the sandbox',
      own: [{ key: 'shopperId', env: 'NSBRIDGE_GODADDY_SHOPPER_ID', type: 'string', description: 'own' }],
      operation: { timeout: 'how long', pollInterval: 'how often' },
    },
  });
  expect(info.settings).toEqual([
    { key: 'sandbox', env: 'NSBRIDGE_GODADDY_SANDBOX', type: 'boolean', description: 'the sandbox' },
    { key: 'shopperId', env: 'NSBRIDGE_GODADDY_SHOPPER_ID', type: 'string', description: 'own' },
    { key: 'operationTimeout', env: 'NSBRIDGE_GODADDY_OPERATION_TIMEOUT', type: 'string', description: 'how long' },
    { key: 'pollInterval', env: 'NSBRIDGE_GODADDY_POLL_INTERVAL', type: 'string', description: 'how often' },
  ]);
  // `settings` keeps its place among the keys (nsbridge registrars --json prints them in order).
  expect(Object.keys(info)).toEqual(Object.keys(readFacts('godaddy') as object));
  expect(loadRegistrarInfo({ ...(readFacts('porkbun') as object) }).settings).toEqual([]);
});

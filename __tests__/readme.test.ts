/** docs/registrars.md's table is generated from the registrars' info.json files: it must not go stale. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('docs/registrars.md registrar table matches the adapters\' capability data (npm run docs:registrars)', () => {
  const r = spawnSync(process.execPath, [join(__dirname, '..', 'scripts', 'registrar-table.js'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).not.toMatch(/out of date/);
  expect(r.status).toBe(0);
});

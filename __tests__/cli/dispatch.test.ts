/**
 * cli/main.ts loads only the command module a run needs. Its table must say truly which top-level
 * commands each module registers, or a command would be "unknown" when run on its own.
 */
import { Command } from 'commander';

import { COMMAND_MODULES, modulesFor } from '../../cli/main';
import { Output } from '../../cli/output';
import { baseEnv, modulesRequiredBy, runCli } from '../../testing/registrars/run-cli';

const registeredBy = (m: (typeof COMMAND_MODULES)[number]): string[] => {
  const program = new Command('nsbridge');
  m.load()(program, new Output({}, () => {}, () => {}));
  return program.commands.map((c) => c.name());
};

test('each module registers exactly the commands the table names, and no command twice', () => {
  for (const m of COMMAND_MODULES) expect(registeredBy(m)).toEqual(m.commands);
  const all = COMMAND_MODULES.flatMap((m) => m.commands);
  expect(new Set(all).size).toBe(all.length);
});

test.each([
  [['get', '--registrar', 'godaddy', '--domain', 'example.com'], ['get', 'set']],
  [['--verbose', 'set', '--help'], ['get', 'set']],
  [['ds', 'step', '--help'], ['ds']],
  [['terraform-external'], ['terraform-external']],
])('%j loads only the module of its command', (argv, commands) => {
  expect(modulesFor(argv).map((m) => m.commands)).toEqual([commands]);
});

test.each([[[]], [['--help']], [['help', 'get']], [['nosuchcommand']], [['--bogus', 'get']]])('%j loads every module (help, unknown command)', (argv) => {
  expect(modulesFor(argv)).toEqual(COMMAND_MODULES);
});

describe('the bundle', () => {
  // The build's copy of the top-level help (printed without loading commander or any command) and
  // commander's own, through `help`, which loads every command module.
  test('--help and -h print exactly what commander prints for `help`, and exit 0', async () => {
    const [prebuilt, short, commander] = await Promise.all([runCli(['--help'], baseEnv()), runCli(['-h'], baseEnv()), runCli(['help'], baseEnv())]);
    expect(commander.stdout).toMatch(/^Usage: nsbridge \[options\] \[command\]\n/);
    expect(commander.stdout).toContain('\nCommands:\n  release [options]');
    for (const r of [prebuilt, short]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(commander.stdout);
    }
  });

  test('--help loads nothing but the bundle; `help` loads the commands and their libraries', async () => {
    const help = await modulesRequiredBy(['--help'], baseEnv());
    expect(help.code).toBe(0);
    expect(help.ids.filter((id) => !/nsbridge\.js$/.test(id) && id !== 'node:module')).toEqual([]);
    const commander = await modulesRequiredBy(['help'], baseEnv());
    expect(commander.code).toBe(0);
    expect(commander.ids).toEqual(expect.arrayContaining(['node:net', 'node:dgram']));
  });

  test('a command run with only its own module registered parses and fails as before: bad usage exits 2', async () => {
    const r = await runCli(['get', '--registrar', 'godaddy'], baseEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--domain/);
  });
});

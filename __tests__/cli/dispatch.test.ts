/**
 * cli/main.ts loads only the command module a run needs. Its table must say truly which top-level
 * commands each module registers, or a command would be "unknown" when run on its own.
 */
import { Command } from 'commander';

import { COMMAND_MODULES, modulesFor } from '../../cli/main';
import { Output } from '../../cli/output';

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

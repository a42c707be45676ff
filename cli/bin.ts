/** Entry point of the bundled CLI (dist/nsbridge.js). */

// `nsbridge registrars | head`: a reader that goes away is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

/**
 * The top-level help as commander prints it to a pipe or a file (80 columns), put in the bundle
 * by scripts/build.js, which runs the bundle once to get it: `nsbridge --help` then loads no
 * command module and not commander. On a terminal commander wraps to its width, so it prints the
 * help itself there, as it does from source (no bundle: the constant is not defined).
 */
declare const NSBRIDGE_TOP_LEVEL_HELP: string | null;
const prebuiltHelp = typeof NSBRIDGE_TOP_LEVEL_HELP === 'string' ? NSBRIDGE_TOP_LEVEL_HELP : null;
const argv = process.argv.slice(2);

if (prebuiltHelp !== null && !process.stdout.isTTY && argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
  process.stdout.write(prebuiltHelp);
} else {
  // Loaded here, not imported: the help above needs none of it.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { run } = require('./main') as typeof import('./main');
  const { Output } = require('./output') as typeof import('./output');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const out = new Output(process.env);
  run(argv, out).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      out.error(`unexpected error: ${String(err)}`);
      process.exitCode = 1;
    },
  );
}

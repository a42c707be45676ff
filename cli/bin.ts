/** Entry point of the bundled CLI (dist/nsbridge.js). */
import { run } from './main';
import { Output } from './output';

// `nsbridge registrars | head`: a reader that goes away is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const out = new Output(process.env);
run(process.argv.slice(2), out).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    out.error(`unexpected error: ${String(err)}`);
    process.exitCode = 1;
  },
);

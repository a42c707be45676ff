/** Entry point of the bundled CLI (dist/nsbridge.js). */
import { run } from './main';
import { Output } from './output';

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

// Entry of `npx concord` (built to out/main/cli.js): runs the command and sets the exit status.
import { runCli } from './run';

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});

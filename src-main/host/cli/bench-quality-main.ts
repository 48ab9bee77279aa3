// Entry of the self-contained `bench quality` bundle that scripts/build-gpu-kit.sh makes for machines
// without this repository's node_modules (a borrowed GPU machine): the same code as `concord bench
// train`, with the CLI's exit statuses (0 ok, 2 bad input or backend unavailable, 1 internal error).
import { InputError, UnsupportedError } from '../../core/errors';
import { runBenchQuality } from './bench-quality';

runBenchQuality(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const expected = e instanceof InputError || e instanceof UnsupportedError;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`concord: ${expected ? '' : 'internal error: '}${msg}\n`);
    if (!expected && e instanceof Error && e.stack) process.stderr.write(e.stack + '\n');
    process.exitCode = expected ? 2 : 1;
  },
);

// Entry of the self-contained `bench quality` bundle that bench/gpu/build-gpu-kit.sh makes for machines
// without this repository's node_modules (a GPU machine without npm): the same code as `concord bench
// quality`, with the CLI's exit statuses (0 ok, 2 bad input or backend unavailable, 1 internal error).
import { runBenchQuality } from './quality';
import { runBundleEntry } from '../../host/cli/exit-status';

runBundleEntry(() => runBenchQuality(process.argv.slice(2)));

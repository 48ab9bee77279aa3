// Entry of the self-contained `bench train` bundle that bench/gpu/build-gpu-kit.sh makes for machines
// without this repository's node_modules (a GPU machine without npm): the same code as `concord bench
// train`, with the CLI's exit statuses (0 ok, 2 bad input or backend unavailable, 1 internal error).
import { runBenchTrain } from './train';
import { runBundleEntry } from '../../host/cli/exit-status';

runBundleEntry(() => runBenchTrain(process.argv.slice(2)));

// `npx concord <command>`: the CLI over the same services as the app.
// Exit status: 0 ok; 2 bad input (one line on stderr, no stack trace); 3 not enough memory or another
// resource of this machine (one line: what ran out, what to try); 1 internal error.
// With --json, stdout carries exactly one JSON document; progress and messages go to stderr.
import { InputError } from '../../core/errors';
import { runBench } from './bench';
import { exitStatusOf } from './exit-status';
import { runCompare } from './compare';
import { runConsensus } from './consensus';
import { runExport } from './export';
import { runGc } from './gc';
import { runImport } from './import';
import { runInfo } from './info';
import { runInfer } from './infer';
import { runMasks } from './masks';
import { runModels } from './models';
import { runPacs } from './pacs';
import { runServe } from './serve';
import { runTrain } from './train';

const USAGE = `Concord — offline workstation for medical image segmentation

Usage: concord <command> [options]

  info <file-or-dicom-folder> [--max-voxels <n>] [--json]
      Geometry and value statistics of an image (NIfTI, DICOM folder, PNG); needs no workspace.
  import <paths...> --workspace <dir> [--project <name>] [--kind clinical|research] [--case <name>]
         [--dates remove|shift] [--keep-mapping <file>] [--keep-patient-identity] [--max-voxels <n>] [--json]
      Import files and folders into a workspace. --max-voxels: the largest image read (a count or sizes such
      as 1024x1024x1024; default CONCORD_MAX_VOXELS, else 268435456 = 512x512x1024). --kind: of a project the
      import creates (default clinical); research replaces DICOM UIDs and removes (or --dates shift: shifts)
      dates. Cases are named by a pseudonym unless --case names them; --keep-mapping writes what each
      pseudonym and UID stands for to that file (0600), and only there.
  import --manifest <datalist.json> --workspace <dir> --project <name> [--kind clinical|research] [--json]
      Import a labelled data set: a JSON list of { "case", "image", "masks": { "<annotator>": "<path>" } },
      paths relative to the manifest; one progress line per case; a case that fails imports nothing.
  masks import <mask.nii.gz> --workspace <dir> --volume <id> --annotator <name> [--label <value>]
               [--resample nearest] [--json]
      A label map as the annotator's new revision; it must lie on the volume's grid unless resampled.
      Annotators without a profile get one without a password (an admin sets it before they sign in).
  masks export <revision-id> <out.nii[.gz]|out.dcm> --workspace <dir> [--format nifti|nrrd|seg] [--deidentify]
               [--json]
      Any mask revision as NIfTI with its volume's geometry, or as a DICOM SEG; --deidentify: a SEG with the
      confidentiality profile's UIDs and no names (a research project's always is one).
  export <volume-id> <out.nii[.gz]> --workspace <dir> [--deidentify] [--json]
      Write a stored volume as NIfTI.
  compare <mask1> <mask2> [<mask3> ...] [--label <v>] [--tolerance <mm>] [--kappa-margin <mm>] [--csv <file>] [--json]
      Every pair's Dice, Jaccard, volumes, Hausdorff, HD95, ASSD, surface Dice, Cohen's kappa; Fleiss' kappa.
      --csv writes the table with units in the header.
  compare --workspace <dir> --case <id|name> [--volume <id>] [--annotations <id,...>] [--include-derived]
          [--label <v>] [--tolerance <mm>] [--kappa-margin <mm>] [--csv <file>] [--json]
      The same on a case's annotations (each rater's annotation and revision listed), plus each rater
      against the majority vote and STAPLE.
  consensus <mask1> <mask2> ... --method vote|staple|mstaple [--label <v>] [--ties undecided|background|foreground]
            [--undecided-label <v>] [--out <file.nii.gz>] [--prob <file.nii.gz>] [--json]
      Merge raters' masks (majority vote, STAPLE, multi-label STAPLE) as ITK does; masks on one grid.
  consensus --workspace <dir> --case <id|name> --method ... [--volume <id>] [--annotations <id,...>]
            [--include-derived] [--save] [same options]
      The same on a case's annotations; --save stores the result as a derived annotation with provenance.
  gc --workspace <dir> [--grace-minutes <n>] [--dry-run] [--json]
      Remove blob files no revision or volume refers to (left by a save killed before its database row),
      older than the grace period (default 60 minutes); one audit row lists them. Also runs when the app opens.
  train --workspace <dir> --project <name> [--target reference|vote|staple|annotator:<name>] [--epochs <n>]
        [--base-model <id> [--freeze-encoder]] [--backend auto|tensorflow|webgpu|wasm|cpu] [--levels <n>]
        [--base <n>] [--crop <n>] [--batch <n>] [--lr <x>] [--seed <n>] [--validation <fraction>]
        [--augment nnunet|none] [--neighbours <h>] [--json]
      Train a U-Net on the project's cases in a separate process; per-epoch lines on stderr; --json prints the
      run id, backend, per-epoch metrics, per-case validation Dice and the model id. Ctrl+C cancels.
  train --workspace <dir> --resume <run-id> [--epochs <n>] [--json]
      Continue a cancelled or failed run from its last checkpoint.
  infer --workspace <dir> --model <id> <volume-ids-or-files...> [--out <file.nii.gz> | --out-dir <dir>] [--draft]
        [--backend ...] [--json]
      Run a model slice by slice; masks as NIfTI on each input's grid; --draft stores AI draft annotations.
  models list --workspace <dir> [--project <name>] [--json]
  models export <model-id> <dir> --workspace <dir> [--json]
  models import <package.concord-model> --workspace <dir> [--project <name>] [--json]
      The model registry; packages hold weights + manifest + SHA256SUMS; an import that does not verify
      is refused and changes nothing.
  pacs add --workspace <dir> --name <name> --url <dicomweb base> [--timeout <s>] [--json]
  pacs list|remove --workspace <dir> [--name <name>] [--json]
      The PACS servers a workspace knows (DICOMweb; --timeout: seconds one request may take, default 30).
  pacs find --workspace <dir> --from <name> [--patient <id or name>] [--modality <CT>]
            [--study-date <YYYYMMDD[-YYYYMMDD]>] [--limit <n>] [--timeout <s>] [--json]
      Search the PACS's studies (QIDO-RS), with their series and instance counts.
  pacs get <StudyInstanceUID> --workspace <dir> --from <name> --project <name> [--case <name>] [--timeout <s>]
           [--max-voxels <n>] [--json]
      Fetch a study (WADO-RS) and import it as a folder import does; an interrupted transfer resumes.
  pacs send <revision-id> | --file <a.dcm> --workspace <dir> --to <name> [--timeout <s>] [--json]
      Store a revision's DICOM SEG (or a DICOM file) on the PACS (STOW-RS).
  serve --workspace <dir> [--port <n>] [--no-sample] [--open]
      Start the web host on 127.0.0.1 and print its URL.
  bench import [--json] [--runs N] [--keep]
      Time and memory of importing a 512x512x300 int16 .nii.gz, beside nibabel's load of the same file.
  bench view [--json] [--runs N]
      Time from opening that volume in the viewer (web host, Chromium) to its first drawn slice.
  bench train [--backend auto|tensorflow|webgpu|wasm|cpu] [--variants reference,small] [--profile] [--json]
      Training speed of the reference U-Net (images/s) beside PyTorch training the same network.
  bench kernels [--batch N] [--threads N] [--skip-tfjs-cpu] [--json]
      Each convolution kernel of a training step: tfjs's cpu and wasm kernels beside Concord's.
  bench quality [--data DIR|PACK] [--epochs N] [--batch N] [--lr X] [--augment flips|nnunet|light|intensity|none]
                [--patch N] [--foreground F] [--tta] [--neighbours H] [--centre-channel] [--keep-centre R] [--ema D]
                [--budget-seconds S] [--out-json FILE] [--backend ...] [--json]
      Trains the reference U-Net on the LIDC nodule crops; validation Dice on held-out patients, time.
  bench quality --write-pack DIR [--data DIR]
      Packs the crops (images + one majority vote per slice, checked) for a machine without ../shared.
  bench infer [--backend ...] [--slices N] [--batch N] [--size 512] [--no-peer] [--json]
      Inference of the reference U-Net on 512x512 CT slices (slices/s) beside PyTorch's forward pass.
  bench masks [--json] [--runs N] [--codec worker|thread]
      Saving a revision of a 512x512x300 mask (a few nodules): time, compressed size; time of a patch;
      the longest event-loop stall while saving (encoding in worker threads as the app does, or in-thread).
  bench brush [--json] [--runs N]
      Labelling tools on a 512x512x300 CT: time per brush dab with its overlay update; undo of a 3D edit.
  bench consensus [--json] [--runs N] [--raters R] [--sizes 512x512x300,256x256x160]
      STAPLE, vote, multi-label STAPLE and one pair's Hausdorff/HD95/ASSD on synthetic raters, beside ITK.

Exit status: 0 ok, 2 bad input, 3 not enough memory, disk space or another resource of this machine,
1 internal error.`;

async function dispatchCommand(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'info':
      return runInfo(rest);
    case 'import':
      return runImport(rest);
    case 'export':
      return runExport(rest);
    case 'compare':
      return runCompare(rest);
    case 'consensus':
      return runConsensus(rest);
    case 'masks':
      return runMasks(rest);
    case 'gc':
      return runGc(rest);
    case 'serve':
      return runServe(rest);
    case 'train':
      return runTrain(rest);
    case 'infer':
      return runInfer(rest);
    case 'models':
      return runModels(rest);
    case 'pacs':
      return runPacs(rest);
    case 'bench':
      return runBench(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      throw new InputError(undefined, `unknown command '${command}' (try: concord help)`);
  }
}

/** Runs one CLI command; returns the exit status after writing any error as one line on stderr. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await dispatchCommand(argv);
  } catch (e) {
    return exitStatusOf(e);
  }
}

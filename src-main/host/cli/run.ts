// `npx concord <command>`: the CLI over the same services as the app.
// Exit status: 0 ok; 2 bad input (one line on stderr, no stack trace); 3 not enough memory or another
// resource of this machine (one line: what ran out, what to try); 1 internal error.
// With --json, stdout carries exactly one JSON document; progress and messages go to stderr.
import { InputError } from '../../core/errors';
import { runBackends } from './backends';
import { runAudit } from './audit';
import { runAssign } from './assign';
import { runSubject } from './subject';
import { runBench } from './bench';
import { runBundle } from './bundle';
import { exitStatusOf } from './exit-status';
import { runCompare } from './compare';
import { runConsensus } from './consensus';
import { runDataset } from './dataset';
import { runDraft } from './draft';
import { runExport } from './export';
import { runGc } from './gc';
import { runImport } from './import';
import { runInfo } from './info';
import { runInfer } from './infer';
import { runMasks } from './masks';
import { runModels } from './models';
import { runPacs } from './pacs';
import { runSample } from './sample';
import { runServe } from './serve';
import { runTrain } from './train';

const USAGE = `Concord — offline workstation for medical image segmentation

Usage: concord <command> [options]

  info <file-or-dicom-folder> [--max-voxels <n>] [--json]
      Geometry and value statistics of an image (NIfTI, NRRD, DICOM folder, PNG); needs no workspace.
  import <paths...> --workspace <dir> [--project <name>] [--kind clinical|research] [--case <name>]
         [--dates remove|shift] [--keep-mapping <file>] [--keep-patient-identity] [--frames first|all]
         [--max-voxels <n>] [--json]
      Import files and folders into a workspace; the readable volumes import, each file refused is listed
      with its reason (exit 2 when any was). --frames: a 4D file as its first frame or one volume per frame
      (without it, a 4D file is refused). --max-voxels: the largest image read (a count or sizes such
      as 1024x1024x1024; default CONCORD_MAX_VOXELS, else 268435456 = 512x512x1024). --kind: of a project the
      import creates (default clinical); research replaces DICOM UIDs and removes (or --dates shift: shifts)
      dates. Cases are named by a pseudonym unless --case names them; --keep-mapping writes what each
      pseudonym and UID stands for to that file (0600), and only there.
  import --manifest <datalist.json> --workspace <dir> --project <name> [--kind clinical|research] [--json]
      Import a labelled data set: a JSON list of { "case", "image", "masks": { "<annotator>": "<path>" } },
      paths relative to the manifest; one progress line per case; a case that fails imports nothing.
  masks import <mask.nii.gz|mask.seg.nrrd|mask.png|seg.dcm> --workspace <dir> --volume <id> --annotator <name>
               [--label <value>] [--resample nearest] [--threshold <0..1>] [--segments <n,...>] [--json]
      A label map (NIfTI or NRRD; a 3D Slicer .seg.nrrd or a DICOM SEG: its segments become labels with
      their names and colours) as the annotator's new revision; it must lie on the volume's grid unless
      resampled (a SEG's frames are placed by position; a PNG fits a one-slice volume). Annotators without a profile get one without a
      password (an admin sets it before they sign in).
  masks import <rtstruct.dcm> --workspace <dir> --volume <id> --annotator <name> [--roi <name,...>] [--json]
      An RTSTRUCT's closed planar contours, one label per ROI (a voxel is inside when its centre is).
  masks export <revision-id> <out.nii[.gz]|out.dcm|out.seg.nrrd> --workspace <dir> [--format nifti|seg|nrrd]
               [--deidentify] [--json]
      Any mask revision as NIfTI with its volume's geometry, a DICOM SEG referencing its source series, or
      a 3D Slicer segmentation (.seg.nrrd); --deidentify: a SEG with the confidentiality profile's UIDs and
      no names (a research project's always is one).
  masks export-references --workspace <dir> --project <name|id> --out <dir> [--deidentify] [--json]
      Every signed-off reference of the project as a folder of NIfTI named by case (--deidentify: by
      pseudonym), with references.json; cases without a reference are listed as skipped.
  export <volume-id> <out.nii[.gz]> --workspace <dir> [--deidentify] [--json]
      Write a stored volume as NIfTI.
  dataset export --workspace <dir> --project <name> --format nnunet|monai
                 --target reference|vote|staple|annotator:<name> --out <dir> [--skip-missing] [--json]
      The project's cases as an nnU-Net v2 raw data set or a MONAI datalist (NIfTI images and label maps on
      the same grid, cases as case_001..., provenance.json). A case without the target refuses the export,
      listing them, unless --skip-missing.
  compare <mask1> <mask2> [<mask3> ...] [--label <v>] [--tolerance <mm>] [--kappa-margin <mm>] [--csv <file>] [--json]
      Every pair's Dice, Jaccard, volumes, Hausdorff, HD95, ASSD, surface Dice, Cohen's kappa; Fleiss' kappa.
      --csv writes the table with units in the header.
  compare --workspace <dir> --case <id|name> [--volume <id>] [--raters <name|id,...>] [--include-derived]
          [--label <v>] [--tolerance <mm>] [--kappa-margin <mm>] [--csv <file>] [--json]
      The same on a case's annotations (each rater's annotation and revision listed), plus each rater
      against the majority vote and STAPLE. Raters: by default the submitted manual annotations; --raters
      names the set (annotator names or annotation ids; --annotations is the same with ids only).
  consensus <mask1> <mask2> ... --method vote|staple|mstaple [--label <v>] [--ties undecided|background|foreground]
            [--undecided-label <v>] [--out <file.nii.gz>] [--prob <file.nii.gz>] [--json]
      Merge raters' masks (majority vote, STAPLE, multi-label STAPLE) as ITK does; masks on one grid.
  consensus --workspace <dir> --case <id|name> --method ... [--volume <id>] [--raters <name|id,...>]
            [--include-derived] [--save] [same options]
      The same on a case's annotations; --save stores the result as a derived annotation with provenance.
  audit verify --workspace <dir> [--json]
      Check the audit trail: each row's hash and its MAC under the workspace key, the chain, the signed head
      (rows removed at the end), the key file. Changes nothing. Exit 0 intact, 2 broken (the first bad row
      and what is wrong).
  assign --workspace <dir> --project <name|id> --annotators <a,b,...> [--per-case <k>] [--cases <id|name,...>]
         [--json]
      Give the project's cases (or the listed ones) to annotators: each to all of them, or with --per-case k to
      k of them, balanced (least-loaded first). An annotator's worklist then holds their cases only.
  subject --workspace <dir> --project <name|id> --case <id|name> (--subject <name> | --clear) [--json]
      Set or clear a case's subject (the person imaged), which a training run split by subject keeps on one
      side; a research project stores its keyed pseudonym, never the name. Audited.
  gc --workspace <dir> [--grace-minutes <n>] [--dry-run] [--json]
      Remove blob files no revision or volume refers to (left by a save killed before its database row),
      older than the grace period (default 60 minutes); one audit row lists them. Also runs when the app opens.
  train --workspace <dir> --project <name> [--target agreement|reference|vote|staple|annotator:<name>]
        [--epochs <n>] [--base-model <id>|starter [--freeze-encoder]] [--backend auto|tensorflow|webgpu|wasm|cpu]
        [--levels <n>] [--base <n>] [--crop <n>] [--batch <n>] [--lr <x>] [--seed <n>] [--validation <fraction>]
        [--augment nnunet|none] [--neighbours <h>] [--no-coordinates] [--foreground <f>] [--no-ema] [--no-tta]
        [--last-epoch] [--no-refit] [--label <v> | --labels <v1,v2,...>]
        [--semi-supervised [--pseudo-min-confidence <c>]] [--json]
      Train a U-Net on the project's cases in a separate process; per-epoch lines on stderr; --json prints the
      run id, backend, per-epoch metrics, per-case validation Dice, the kept epoch and the model id. Defaults:
      the raters' agreement, a moving average of the weights, 2.5D where volumes have several slices, two
      coordinate planes (each pixel's place on its slice; --no-coordinates: none), a third of the crops on
      foreground, the best validated epoch kept, test-time flips where they pay, then (one network) the
      same training again on every case, validation ones too, that network stored (--no-refit: the
      validated one; about half the time); batch 16
      (32 when the backend is webgpu); every label the masks use in one model (several: softmax, Dice per
      label; --labels a subset). Ctrl+C cancels.
      --semi-supervised (one label) also learns from the project's unlabelled cases: the refit labels them
      as it would draft them (the validated threshold and flips), and the training runs a third time on
      every labelled case and them, that network stored; pixels weigh its confidence (under
      --pseudo-min-confidence, default 0.5, they weigh 0). Validation stays on labelled cases.
  train --workspace <dir> --resume <run-id> [--epochs <n>] [--json]
      Continue a cancelled or failed run from its last checkpoint.
  infer --workspace <dir> --model <id> <volume-ids-or-files...> [--out <file.nii.gz> | --out-dir <dir>] [--draft]
        [--tta | --no-tta] [--backend ...] [--json]
      Run a model slice by slice; masks as NIfTI on each input's grid; --draft stores AI draft annotations.
  draft --workspace <dir> --method watershed|otsu|window|unet <volume-ids...> [--seeds "i,j,k;..."]
        [--background "i,j,k;..."] [--window lo,hi] [--margin-mm <mm>] [--label <v>] [--model <id>]
        [--against <revision-id>] [--json]
      A draft of each volume by a simple model (watershed from seeds on the gradient magnitude, Otsu, a CT
      window in HU) or a registry U-Net (--method unet --model <id>), stored as a draft annotators can start
      from; each with its Dice against the signed-off reference (or --against a revision).
  backends [--json]
      Which training backends start on this machine (tensorflow, webgpu, wasm, cpu), best first, and why the
      others do not; npm run gpu:install adds tensorflow offline (see the README).
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
  sample --workspace <dir> [--json]
      Build the bundled sample project (8 chest CT cases, 2 to 4 radiologists' masks each; what the app opens
      on first start) in a workspace; prints the project id and the case ids. Run again, it changes nothing.
  bundle export --workspace <dir> --out <f.concord-bundle> (--project <name> | --case <id|name>[,...])
                [--kind task|result|review] [--for <annotator>] [--with-images|--without-images] [--json]
      Work for another workstation without a network, signed by this workspace: a task (cases, images,
      labels and one annotator's assignment, no other rater's masks), a result (revisions with their
      history, status, time spent) or a review (consensus, adjudication, sign-offs).
  bundle import <f.concord-bundle> --workspace <dir> [--trust] [--json]
  bundle inspect <f.concord-bundle> --workspace <dir> [--json]
      Checks the signature and every checksum before writing anything; an unknown signer needs --trust
      (remembered). Importing twice changes nothing; parallel edits keep both branches.
  serve --workspace <dir> [--port <n>] [--no-sample] [--open]
      Start the web host on 127.0.0.1 and print its URL.
  bench import [--json] [--runs N] [--keep]
      Time and memory of importing a 512x512x300 int16 .nii.gz, beside nibabel's load of the same file.
  bench view [--json] [--runs N] [--notches N] [--baseline <built renderer dir>]
      Time from opening that volume in the viewer (web host, Chromium) to its first drawn slice; time from
      a wheel notch or arrow key to the frame showing the new slice (axial maximised, 2x2), beside a baseline.
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
  bench lidc-cases --out DIR [--data DIR] [--split-seed N] [--validation F] [--reserve N] [--json]
      The LIDC nodule crops as cases (NIfTI volumes, one mask per radiologist): a manifest of the training
      patients to import, the quality benchmark's held-out patients apart (--reserve N: N cases of the
      highest-ID training patients apart too, for bench transfer).
  bench starter-model --workspace <dir> --model <id> --cases DIR --out DIR [--json]
      Writes the starter model's package (with its card: data, licence, recipe, held-out Dice) from a model
      trained on bench lidc-cases's train/ patients; refuses one that saw a held-out or reserved patient.
  bench transfer --cases DIR [--sizes 5,10,20] [--epochs E] [--seed N] [--starter PKG] [--flips] [--json]
      Fine-tuning the starter model against training from scratch on N reserved cases each: held-out Dice
      and minutes.
  bench holdout --cases DIR/holdout --drafts DIR [--json]
      Pooled Dice of a model's drafts (concord infer --out-dir) of the held-out cases against the raters'
      strict majority, and per patient.
  bench semi-supervised --cases DIR --labelled-fraction F [--epochs E] [--seed S]
        [--min-confidence C] [--backend ...] [--threads N] [--work DIR] [--json]
      Trains on a fraction F of bench lidc-cases' training patients alone, then on them plus the others
      unlabelled (train --semi-supervised), and scores both on the held-out patients: Dice and minutes.
  bench infer [--backend ...] [--slices N] [--batch N] [--size 512] [--no-peer] [--json]
      Inference of the reference U-Net on 512x512 CT slices (slices/s) beside PyTorch's forward pass.
  bench masks [--json] [--runs N] [--codec worker|thread]
      Saving a revision of a 512x512x300 mask (a few nodules): time, compressed size; time of a patch;
      the longest event-loop stall while saving (encoding in worker threads as the app does, or in-thread).
  bench bundle [--json] [--raters N] [--revisions N] [--keep]
      Export and import of a bundle: a 512x512x300 CT case with 4 raters' histories of 50 revisions each,
      with its image and without (the receiver has it); times, bundle size, the machine's load.
  bench brush [--json] [--runs N]
      Labelling tools on a 512x512x300 CT: time per brush dab with its overlay update; undo of a 3D edit.
  bench audit [--rows N] [--json]
      The keyed audit trail at 100k rows: keying at the upgrade, one append, the whole check at once and in
      slices (the longest event-loop stall).
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
    case 'dataset':
      return runDataset(rest);
    case 'assign':
      return runAssign(rest);
    case 'subject':
      return runSubject(rest);
    case 'gc':
      return runGc(rest);
    case 'audit':
      return runAudit(rest);
    case 'sample':
      return runSample(rest);
    case 'serve':
      return runServe(rest);
    case 'train':
      return runTrain(rest);
    case 'infer':
      return runInfer(rest);
    case 'draft':
      return runDraft(rest);
    case 'models':
      return runModels(rest);
    case 'pacs':
      return runPacs(rest);
    case 'backends':
      return runBackends(rest);
    case 'bench':
      return runBench(rest);
    case 'bundle':
      return runBundle(rest);
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

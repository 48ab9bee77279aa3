#!/bin/sh
# Makes the bundled starter model, resources/starter-model/lidc-nodules.concord-model, from the LIDC-IDRI
# nodule crops in ../shared/data (resources/starter-model/README.md says what it is and under which licence).
# Every step is Concord's own CLI: the crops as cases (the 19 held-out patients and the 20 reserved cases of
# `bench transfer` apart), a manifest import, `concord train` with the product's recipe, then
# `bench starter-model`, which checks the split, drafts the held-out patients, scores them and writes the
# package with its card. Run from the repository root after `npm run build`; about 30 minutes of training
# on 2 cores (niced, so it yields to other work).
#   sh scripts/starter-model/make-starter-model.sh [WORK_DIR]
set -eu
WORK=${1:-.starter-work}
CASES="$WORK/cases"
WS="$WORK/ws"
if [ -e resources/starter-model/lidc-nodules.concord-model ]; then
  echo "resources/starter-model/lidc-nodules.concord-model exists: remove it first" >&2
  exit 2
fi
mkdir -p "$WORK"
nice -n 19 npx concord bench lidc-cases --out "$CASES" --reserve 20
nice -n 19 npx concord import --manifest "$CASES/train/manifest.json" --workspace "$WS" --project lidc
nice -n 19 npx concord train --workspace "$WS" --project lidc --epochs 10 --seed 1 --json > "$WORK/run.json"
MODEL=$(node -e "process.stdout.write(String(JSON.parse(require('fs').readFileSync('$WORK/run.json','utf8')).modelId))")
nice -n 19 npx concord bench starter-model --workspace "$WS" --model "$MODEL" --cases "$CASES" \
  --out resources/starter-model --json > "$WORK/starter.json"
echo "wrote resources/starter-model/lidc-nodules.concord-model (model $MODEL of $WS); card in $WORK/starter.json"

#!/usr/bin/python3
# Builds the small NIfTI files of resources/sample-project/ from ../shared/data (run once by a maintainer;
# the outputs are committed, the app never runs this). Needs Debian's python3 with nibabel, numpy and PIL:
#   /usr/bin/python3 scripts/sample/make-sample-data.py ../shared/data resources/sample-project
# What it writes, and why, is in resources/sample-project/README.md.
import json
import os
import sys

import nibabel as nib
import numpy as np
from PIL import Image

SHARED, OUT = sys.argv[1], sys.argv[2]

# LIDC-IDRI-0002: the 12-slice DICOM block, converted on the DICOM grid (image_hu.nii.gz, checked
# voxel-identical to dcm2niix) and cropped in-plane to 160 x 160 around the nodule that readers 2 and 3
# outlined (their masks span i 331..365, j 352..370). The crop moves the origin; the affine stays RAS with
# x, y flipped from LPS, so the case lies where the DICOM put it.
CROP_0002 = (268, 281, 160)  # i0, j0, size (voxels)


def crop_0002():
    base = os.path.join(SHARED, 'lidc_idri_dicom_4readers/LIDC-IDRI-0002/derived_masks_nifti')
    out = os.path.join(OUT, 'LIDC-IDRI-0002')
    os.makedirs(out, exist_ok=True)
    i0, j0, n = CROP_0002
    img = nib.load(os.path.join(base, 'image_hu.nii.gz'))
    affine = img.affine.copy()
    affine[:3, 3] = (img.affine @ np.array([i0, j0, 0, 1]))[:3]

    def save(data, name, dtype):
        part = np.asarray(data)[i0:i0 + n, j0:j0 + n, :].astype(dtype)
        save_nifti(part, affine, os.path.join(out, name))
        return part

    save(img.dataobj, 'image.nii.gz', np.int16)
    counts = {}
    for r in (2, 3):
        m = save(nib.load(os.path.join(base, f'reader{r}_mask.nii.gz')).dataobj, f'reader{r}_mask.nii.gz',
                 np.uint8)
        counts[f'reader{r}'] = int((m > 0).sum())
    return counts


# Nodule crops (128 x 128 8-bit PNG slices, four radiologists' masks each) stacked into small volumes.
NODULES = [
    'LIDC-IDRI-0003/nodule-1',
    'LIDC-IDRI-0016/nodule-5',
    'LIDC-IDRI-0041/nodule-0',
    'LIDC-IDRI-0044/nodule-2',
    'LIDC-IDRI-0050/nodule-0',
    'LIDC-IDRI-0058/nodule-2',
]
# The PNGs carry no spacing: 0.5 mm in-plane is assumed (the resampling of the preprocessing whose layout the
# crops follow), 1 mm between slices nominally. Grey g in 0..255 is stored as -1350 + g * 1500 / 255 "HU", the
# inverse of Concord's default CT training window (centre -600, width 1500), so a model trained on the sample
# sees the crops' own grey levels; these are not measured Hounsfield units.
AFFINE = np.diag([-0.5, -0.5, 1.0, 1.0])


def save_nifti(data, affine, file):
    # qform = sform = 1 (scanner): ITK refuses some files with qform 0 / sform 2 (see the LIDC README).
    im = nib.Nifti1Image(data, affine)
    im.set_qform(affine, code=1)
    im.set_sform(affine, code=1)
    nib.save(im, file)


def stack_nodule(rel):
    src = os.path.join(SHARED, 'lidc_idri_slices_4raters_png/fixtures_block_0001-0100', rel)
    name = rel.replace('/nodule-', '-n')
    out = os.path.join(OUT, 'nodules', name)
    os.makedirs(out, exist_ok=True)
    k = len(os.listdir(os.path.join(src, 'images')))

    def read(folder):
        # PNG rows are j, columns i: the volume is [i, j, k] (i fastest in NIfTI's on-disk order).
        return np.stack([np.array(Image.open(os.path.join(src, folder, f'slice-{s}.png'))).T for s in range(k)],
                        axis=2)

    grey = read('images').astype(np.float64)
    hu = np.round(-1350 + grey * 1500 / 255).astype(np.int16)
    save_nifti(hu, AFFINE, os.path.join(out, 'image.nii.gz'))
    counts = {}
    for r in range(4):
        m = (read(f'mask-{r}') > 0).astype(np.uint8)
        save_nifti(m, AFFINE, os.path.join(out, f'mask{r}.nii.gz'))
        counts[f'mask-{r}'] = int(m.sum())
    return name, k, counts


if __name__ == '__main__':
    meta = {'LIDC-IDRI-0002': crop_0002(), 'nodules': {}}
    for rel in NODULES:
        name, k, counts = stack_nodule(rel)
        meta['nodules'][name] = {'source': rel, 'slices': k, 'voxels': counts}
    with open(os.path.join(OUT, 'sample_meta.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')

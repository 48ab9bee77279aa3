"""An NRRD writer independent of Concord's, for the reader's tests: nibabel reads a NIfTI, numpy writes its
values (stored * slope + inter, in the NIfTI's on-disk integer type when they fit) as NRRD.

usage: nifti_to_nrrd.py <in.nii[.gz]> <out.nrrd|out.nhdr> <variant>
  inline-gzip-ras : one .nrrd, gzip, little-endian, space right-anterior-superior (NIfTI's frame as is)
  nhdr-raw-big    : .nhdr + .raw beside it, big-endian, space left-posterior-superior
  nhdr-gzip-lps   : .nhdr + .raw.gz beside it, little-endian, LPS, with 'byte skip' 0 and a comment
"""
import gzip
import os
import sys

import nibabel as nib
import numpy as np

NRRD_TYPE = {'int8': 'int8', 'uint8': 'uint8', 'int16': 'short', 'uint16': 'ushort', 'int32': 'int',
             'uint32': 'uint', 'float32': 'float', 'float64': 'double'}


def main(src, out, variant):
    img = nib.load(src)
    values = np.asanyarray(img.dataobj)
    on_disk = img.get_data_dtype()
    if np.issubdtype(on_disk, np.integer) and np.allclose(values, np.round(values)):
        info = np.iinfo(on_disk)
        if values.min() >= info.min and values.max() <= info.max:
            values = np.round(values).astype(on_disk)
    values = values.astype(values.dtype.newbyteorder('='))
    affine = img.affine.copy()
    if variant == 'inline-gzip-ras':
        space = 'right-anterior-superior'
    else:
        space = 'left-posterior-superior'
        affine[0:2, :] *= -1  # RAS -> LPS: negate x and y rows
    big = variant == 'nhdr-raw-big'
    data = values.astype(values.dtype.newbyteorder('>' if big else '<')).tobytes(order='F')  # i fastest
    dirs = ' '.join('(%s)' % ','.join(repr(float(x)) for x in affine[:3, c]) for c in range(3))
    origin = '(%s)' % ','.join(repr(float(x)) for x in affine[:3, 3])
    lines = ['NRRD0004', '# written by numpy for Concord tests', 'type: %s' % NRRD_TYPE[values.dtype.name],
             'dimension: 3', 'space: %s' % space, 'sizes: %d %d %d' % values.shape[:3],
             'space directions: %s' % dirs, 'kinds: domain domain domain',
             'endian: %s' % ('big' if big else 'little'),
             'encoding: %s' % ('raw' if variant == 'nhdr-raw-big' else 'gzip'), 'space origin: %s' % origin]
    if variant == 'inline-gzip-ras':
        with open(out, 'wb') as f:
            f.write(('\n'.join(lines) + '\n\n').encode('ascii'))
            f.write(gzip.compress(data))
        return
    base = os.path.splitext(os.path.basename(out))[0]
    data_name = base + ('.raw' if big else '.raw.gz')
    lines.append('byte skip: 0')
    lines.append('data file: %s' % data_name)
    with open(os.path.join(os.path.dirname(out), data_name), 'wb') as f:
        f.write(data if big else gzip.compress(data))
    with open(out, 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main(*sys.argv[1:4])

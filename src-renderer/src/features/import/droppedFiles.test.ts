import { describe, expect, it } from 'vitest';
import { localPaths } from './droppedFiles';

describe('localPaths', () => {
  const file = (name: string) => ({ name }) as unknown as File;
  it('turns the files of a picked folder into that folder', () => {
    const files = [
      { path: 'LIDC/dicom/1.dcm', file: file('/data/LIDC/dicom/1.dcm') },
      { path: 'LIDC/dicom/2.dcm', file: file('/data/LIDC/dicom/2.dcm') },
    ];
    expect(localPaths(files, (f) => f.name)).toEqual(['/data/LIDC']);
  });
  it('keeps loose files as they are', () => {
    const files = [{ path: 'a.nii.gz', file: file('/x/a.nii.gz') }];
    expect(localPaths(files, (f) => f.name)).toEqual(['/x/a.nii.gz']);
  });
});

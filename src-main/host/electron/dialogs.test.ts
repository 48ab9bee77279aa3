// The Electron host's dialogs with the dialog handed in (no Electron binary here): what each asks the
// system dialog for, and what a choice or a closed dialog answers.
import { describe, expect, it } from 'vitest';
import type { OpenDialogOptions } from 'electron';
import { importPicker, outputFolderPicker, type ShowOpenDialog } from './dialogs';

function dialog(answer: { canceled: boolean; filePaths: string[] }) {
  const asked: OpenDialogOptions[] = [];
  const show: ShowOpenDialog = (o) => {
    asked.push(o);
    return Promise.resolve(answer);
  };
  return { asked, show };
}

describe('Electron dialogs', () => {
  it('asks for one folder to export into, a new one allowed, and answers its path', async () => {
    const d = dialog({ canceled: false, filePaths: ['/home/lead/refs'] });
    expect(await outputFolderPicker(d.show)('Export the references of P')).toBe('/home/lead/refs');
    expect(d.asked).toEqual([
      expect.objectContaining({ title: 'Export the references of P', buttonLabel: 'Export here' }),
    ]);
    const props = d.asked[0]!.properties!;
    expect(props).toEqual(expect.arrayContaining(['openDirectory', 'createDirectory', 'promptToCreate']));
    expect(props).not.toContain('openFile');
    expect(props).not.toContain('multiSelections');
  });

  it('answers null when the folder dialog is closed, whatever paths come with it', async () => {
    expect(await outputFolderPicker(dialog({ canceled: true, filePaths: ['/x'] }).show)('t')).toBeNull();
    expect(await outputFolderPicker(dialog({ canceled: false, filePaths: [] }).show)('t')).toBeNull();
  });

  it('picks images or DICOM folders to import; none when closed', async () => {
    const files = dialog({ canceled: false, filePaths: ['/a.nii.gz', '/b.nrrd'] });
    expect(await importPicker(files.show)(false)).toEqual(['/a.nii.gz', '/b.nrrd']);
    expect(files.asked[0]!.properties).toEqual(['openFile', 'multiSelections']);
    const folders = dialog({ canceled: false, filePaths: ['/dicom'] });
    expect(await importPicker(folders.show)(true)).toEqual(['/dicom']);
    expect(folders.asked[0]!.properties).toEqual(['openDirectory', 'multiSelections']);
    expect(await importPicker(dialog({ canceled: true, filePaths: ['/x'] }).show)(true)).toEqual([]);
  });
});

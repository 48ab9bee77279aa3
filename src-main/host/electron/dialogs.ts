// The Electron host's native dialogs, given to the services as host capabilities (services/context.ts): the
// import picker (files or DICOM folders) and the folder an export writes into. The dialog itself is handed
// in (main.ts passes Electron's, attached to the focused window), so this runs and is tested under Node
// without the Electron binary. A dialog closed without a choice answers no paths / null: nothing is written.
import type { OpenDialogOptions } from 'electron';

/** Electron's dialog.showOpenDialog, attached to a window or not (main.ts decides). */
export type ShowOpenDialog = (
  options: OpenDialogOptions,
) => Promise<{ canceled: boolean; filePaths: string[] }>;

/** Image files, or folders (DICOM series), to import: their paths; none when closed. */
export function importPicker(show: ShowOpenDialog): (folder: boolean) => Promise<string[]> {
  return async (folder) => {
    const r = await show({
      title: folder ? 'Import a DICOM folder' : 'Import images',
      properties: folder ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
      filters: folder
        ? []
        : [{ name: 'Images', extensions: ['nii', 'gz', 'hdr', 'img', 'nrrd', 'nhdr', 'dcm', 'png', '*'] }],
    });
    return r.canceled ? [] : r.filePaths;
  };
}

/**
 * One folder an export writes its files into (a new one can be made in the dialog: exports refuse a folder
 * that is not empty, services/interop/reference-export.ts); null when the dialog was closed.
 */
export function outputFolderPicker(show: ShowOpenDialog): (title: string) => Promise<string | null> {
  return async (title) => {
    const r = await show({
      title,
      buttonLabel: 'Export here',
      properties: ['openDirectory', 'createDirectory', 'promptToCreate', 'dontAddToRecent'],
    });
    return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]!;
  };
}

// Collects the files of a drop, walking dropped folders (webkitGetAsEntry), with their relative paths,
// so that a dropped DICOM folder uploads with its structure.
export interface PickedFile {
  path: string;
  file: File;
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function walk(entry: FileSystemEntry, prefix: string, out: PickedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    out.push({ path, file: await entryFile(entry as FileSystemFileEntry) });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns batches (at most 100 in Chromium) until an empty one.
    for (;;) {
      const batch = await readEntries(reader);
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, path, out);
    }
  }
}

export async function filesFromDrop(dt: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(dt.items)
    .map((i) => i.webkitGetAsEntry())
    .filter((e): e is FileSystemEntry => e !== null);
  const out: PickedFile[] = [];
  if (entries.length > 0) {
    for (const e of entries) await walk(e, '', out);
    return out;
  }
  return Array.from(dt.files).map((file) => ({ path: file.name, file }));
}

/** Files from an <input type=file> (webkitRelativePath is set when a folder was picked). */
export function filesFromInput(list: FileList): PickedFile[] {
  return Array.from(list).map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/**
 * Local paths for picked files (Electron): a picked folder becomes its root folder (so the import sees
 * the folder's structure), loose files stay files.
 */
export function localPaths(files: PickedFile[], pathOf: (file: File) => string): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const full = pathOf(f.file);
    if (!full) continue;
    const rel = f.path.split('/');
    if (rel.length > 1) {
      // full = <root>/<rel[0]>/…/<name>: cut the relative tail after its first segment.
      const tail = rel.slice(1).join('/');
      const normalised = full.replace(/\\/g, '/');
      out.add(normalised.endsWith('/' + tail) ? normalised.slice(0, -tail.length - 1) : full);
    } else {
      out.add(full);
    }
  }
  return [...out];
}

// Bundle files dropped on the window go to the exchange panel, not to the volume import: the import panel
// (which owns the window's drop handler) offers every drop here first. The panel, while mounted, takes
// drops whose files are all *.concord-bundle.
type Taker = (files: File[]) => void;

let taker: Taker | null = null;

export function isBundleName(name: string): boolean {
  return name.toLowerCase().endsWith('.concord-bundle');
}

/** True when the exchange panel took the files (all bundles, and it is open). */
export function offerBundles(files: File[]): boolean {
  if (!taker || files.length === 0 || !files.every((f) => isBundleName(f.name))) return false;
  taker(files);
  return true;
}

/** The exchange panel registers while mounted; returns the unregister function. */
export function takeBundleDrops(t: Taker): () => void {
  taker = t;
  return () => {
    if (taker === t) taker = null;
  };
}

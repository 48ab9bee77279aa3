// The bundled starter model (resources/starter-model/README.md: what it is, how it was trained, its
// licence) put into a workspace's registry where the app opens it: the Electron host and `concord serve`
// on every open (a new workspace gets it, an older one gets it once), and the CLI where a command names
// it (`concord train --base-model starter`, `concord models`). Nothing is downloaded: the package is
// part of the repository and of the packaged app's resources.
import path from 'node:path';
import { ensureStarterModel, type StarterOutcome } from '../services/training/starter-model';
import type { Workspace } from '../workspace/workspace';
import { resourcesDir } from './resources';

/** The package folder name under resources/starter-model. */
export const STARTER_PACKAGE = 'lidc-nodules.concord-model';

export function starterPackage(): string {
  return path.join(resourcesDir(), 'starter-model', STARTER_PACKAGE);
}

/** The starter in the workspace's registry; null when this installation has none. */
export function ensureStarter(ws: Workspace, actor: string): Promise<StarterOutcome | null> {
  return ensureStarterModel(ws, starterPackage(), actor);
}

// Who works in a workspace: profiles with a role, and the profile a window is signed in as.

export type Role = 'annotator' | 'reviewer' | 'admin';

export interface AnnotatorInfo {
  id: number;
  /** Stable across machines (a UUID made when the profile was created; kept by exchange bundles). */
  uid: string;
  name: string;
  role: Role;
  createdAt: string;
  /** False for profiles created by a mask import: they cannot sign in until an admin sets a password. */
  hasPassword: boolean;
}

export interface SessionInfo {
  /** The signed-in profile of this window/tab, or null. */
  annotator: AnnotatorInfo | null;
  /** No profile exists yet: the first one created is an admin and needs no sign-in to create. */
  firstRun: boolean;
}

// What a key handler reads of a key press, and one row of the help overlay: shared by the viewer's key table
// (keyBindings.ts), the labelling and review keys (editing/editKeys.ts, reviewKeys.ts) and the app's own keys.

/** The parts of a KeyboardEvent the key tables read (`key` is KeyboardEvent.key). */
export interface KeyEventLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/** One row of the help overlay: the keys, and what they do. */
export interface KeyHelpRow {
  keys: string;
  what: string;
}

// The viewer's public entry (DESIGN.md §8: a component library with one public entry): everything the app
// shell and the features use of the image viewer. Outside viewer/, modules import `viewer` (this file) and
// nothing deeper; lint enforces it (eslint.config.js, `viewer-entry/only-index`).
export { Viewer } from './Viewer';
export type { ViewerEditing, ViewerMeasure, ViewerProps, ViewerReview } from './viewerProps';
export type { PaletteLabel } from './editing/ToolPalette';
export type { ReviewFocus } from './reviewFocus';
export type { ReviewAction } from './reviewKeys';
/** Heavy labelling operations in a Web Worker, for the MaskEditor the app hands to the Viewer. */
export { createOpsRunner } from './editing/workerOpsRunner';
/** The key handling the viewer uses, for shortcuts of the app around it. */
export { useKeyCommands } from './useViewerKeys';
export { commandForKey } from './keyBindings';
export type { ViewerCommand } from './keyBindings';
export type { KeyEventLike, KeyHelpRow } from './keyEvents';
export type { ClientPoint, ConcordViewerHook, ViewerHookState } from './testHook';
/** Whether a volume is CT (its values are HU), as the viewer decides its opening window. */
export { looksLikeCT } from './defaultWindow';

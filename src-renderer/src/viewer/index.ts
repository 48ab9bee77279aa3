// The viewer's public surface for the app shell.
export { Viewer } from './Viewer';
export type { ViewerProps } from './Viewer';
export type { ConcordViewerHook, ClientPoint, ViewerHookState } from './testHook';

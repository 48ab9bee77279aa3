// Types for native-layout.mjs (plain JavaScript, because `npm install` runs it before anything is built).
export interface NativeTarget {
  /** Node ABI of the Electron that will load the addon (process.versions.modules under Electron). */
  abi: string | number;
  platform: string;
  arch: string;
}
export const NATIVE_DIR: string;
export const ADDON_FILE: string;
export const BUILD_INFO_FILE: string;
export function electronTargetName(target: NativeTarget): string;
export function electronSqliteDir(root: string, target: NativeTarget): string;
export function electronSqliteAddon(root: string, target: NativeTarget): string;
export function unpackedFromAsar(file: string): string;
export function addonAbi(bytes: Uint8Array): number | null;

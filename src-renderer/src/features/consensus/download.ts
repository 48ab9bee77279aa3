// Saves text or bytes as a file through the browser's download: works in the web host and in Electron's
// sandboxed renderer alike (Electron asks where to save). The content comes from main ('consensus:export',
// 'masks:export'), so the app, the CLI and the file agree.
function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started once click() returns; revoke later so that a slow browser still reads it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(fileName: string, text: string, mime: string): void {
  downloadBlob(fileName, new Blob([text], { type: mime }));
}

/** Bytes sent base64 by main (a mask export: NIfTI, DICOM SEG). */
export function downloadBase64(fileName: string, base64: string, mime: string): void {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  downloadBlob(fileName, new Blob([bytes], { type: mime }));
}

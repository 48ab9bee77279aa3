// Saves text as a file through the browser's download: works in the web host and in Electron's sandboxed
// renderer alike (Electron asks where to save). The text comes from main ('consensus:export'), so the app,
// the CLI and the file agree on every figure.
export function downloadText(fileName: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
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

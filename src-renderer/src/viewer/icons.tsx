// Small inline SVG icons (no icon font: the app is offline and fonts differ between machines).

export function MaximiseIcon({ restore }: { restore: boolean }) {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      {restore ? (
        <path d="M1 4h7v7H1zM4 1h7v7" fill="none" stroke="currentColor" strokeWidth="1.3" />
      ) : (
        <path d="M1 4V1h3M8 1h3v3M11 8v3H8M4 11H1V8" fill="none" stroke="currentColor" strokeWidth="1.3" />
      )}
    </svg>
  );
}

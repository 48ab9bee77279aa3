// Output helpers: one JSON document on stdout for --json; progress on stderr only when it is a terminal.
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function progressLine(prefix: string): (fraction: number, detail?: string) => void {
  if (!process.stderr.isTTY) return () => undefined;
  let last = -1;
  return (fraction, detail) => {
    const pct = Math.floor(fraction * 100);
    if (pct === last) return;
    last = pct;
    process.stderr.write(`\r${prefix} ${String(pct).padStart(3)}% ${(detail ?? '').slice(0, 50).padEnd(50)}`);
    if (fraction >= 1) process.stderr.write('\n');
  };
}

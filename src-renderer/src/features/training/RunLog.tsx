// The trainer's log of a run (stdout and stderr of its process, the tail kept with the run), collapsed by
// default and scrolled to the end when opened.
import { useEffect, useRef } from 'react';

export function RunLog({ log, open }: { log: string; open: boolean }) {
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [log]);
  return (
    <details className="run-log" open={open}>
      <summary>Log ({log.split('\n').filter(Boolean).length} lines)</summary>
      <pre ref={pre} data-testid="run-log">
        {log || 'Nothing logged yet.'}
      </pre>
    </details>
  );
}

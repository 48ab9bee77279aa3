// Says when the web host went away ("Concord stopped — reconnecting…") until the bridge is connected again;
// nothing in the page is reset meanwhile, so edits not saved yet stay queued and are saved once it is back.
import { useEffect, useState } from 'react';
import { getBridge } from '../api/bridge';

export function ConnectionBanner() {
  const [up, setUp] = useState(true);
  useEffect(() => getBridge().onConnection?.(setUp), []);
  if (up) return null;
  return (
    <div className="connection-lost" role="alert" data-testid="connection-lost">
      Concord stopped — reconnecting… Your work in this tab is kept and is saved when it is back.
    </div>
  );
}

// A button that changes something (the pages show it only to keys that may write), with the problem's
// detail beside it when the API refuses.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ErrorBox } from './common';

export function WriteButton({ action, onDone, variant = 'small', children }: { action: () => Promise<unknown>; onDone: () => void; variant?: 'small' | 'danger'; children: ComponentChildren }) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const click = () => {
    setBusy(true);
    action()
      .then(onDone, setError)
      .finally(() => setBusy(false));
  };
  return (
    <>
      <button class={`${variant} write`} disabled={busy} onClick={click}>
        {children}
      </button>
      <ErrorBox error={error} />
    </>
  );
}

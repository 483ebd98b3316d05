// Loads what a page shows from the API, and reloads it on demand (after a write) or on a timer.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  value: T | undefined;
  error: unknown;
  reload: () => void;
}

export function useApi<T>(load: () => Promise<T>, deps: unknown[], refreshMs?: number): Loaded<T> {
  const [state, setState] = useState<{ value: T | undefined; error: unknown }>({ value: undefined, error: undefined });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let stale = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The next refresh is timed from the end of the last load, so a slow server never has two in
    // flight and an older answer never lands after a newer one.
    const run = () =>
      loadRef
        .current()
        .then(
          (value) => !stale && setState({ value, error: undefined }),
          (error: unknown) => !stale && setState((previous) => ({ value: previous.value, error })),
        )
        .finally(() => {
          if (!stale && refreshMs) timer = setTimeout(run, refreshMs);
        });
    void run();
    return () => {
      stale = true;
      clearTimeout(timer);
    };
    // The caller lists what the load depends on, as with useEffect.
  }, [...deps, generation, refreshMs]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, reload };
}

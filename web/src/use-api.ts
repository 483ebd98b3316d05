// Loads what a page shows from the API, and reloads it on demand (after a write) or on a timer.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  value: T | undefined;
  error: unknown;
  reload: () => void;
}

/** Loads now and whenever `deps` change; with `refreshMs`, again that long after each load, until `settled(value)`. */
export function useApi<T>(load: () => Promise<T>, deps: unknown[], refreshMs?: number, settled: (value: T) => boolean = () => false): Loaded<T> {
  const [state, setState] = useState<{ value: T | undefined; error: unknown }>({ value: undefined, error: undefined });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const settledRef = useRef(settled);
  settledRef.current = settled;
  useEffect(() => {
    let stale = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The next refresh is timed from the end of the last load, so a slow server never has two in
    // flight and an older answer never lands after a newer one.
    const again = () => {
      if (!stale && refreshMs) timer = setTimeout(run, refreshMs);
    };
    const run = (): Promise<void> =>
      loadRef.current().then(
        (value) => {
          if (stale) return;
          setState({ value, error: undefined });
          if (!settledRef.current(value)) again();
        },
        (error: unknown) => {
          if (stale) return;
          setState((previous) => ({ value: previous.value, error }));
          again();
        },
      );
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

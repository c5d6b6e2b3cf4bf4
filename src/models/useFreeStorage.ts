/**
 * Bytes the browser still grants this site for models (null while unknown, or where the browser does not
 * say), read again whenever a model finishes loading.
 */
import { useEffect, useState } from 'react';
import { selectLoadedCount } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';

export function useFreeStorage(): number | null {
  const loadedCount = useAppStore(selectLoadedCount);
  const [free, setFree] = useState<number | null>(null);
  useEffect(() => {
    let current = true;
    navigator.storage
      ?.estimate()
      .then(({ usage, quota }) => {
        if (current) setFree(usage !== undefined && quota !== undefined ? quota - usage : null);
      })
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [loadedCount]);
  return free;
}

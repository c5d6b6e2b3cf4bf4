/**
 * Bytes the browser still grants this site for models (null while unknown, or where the browser does not
 * say), read again whenever a model finishes loading.
 */
import { useEffect, useState } from 'react';
import { storageRoom } from '../lib/storageRoom.ts';
import { selectLoadedCount } from '../session/selectors.ts';
import { useAppStore } from '../session/store.ts';

export function useFreeStorage(): number | null {
  const loadedCount = useAppStore(selectLoadedCount);
  const [free, setFree] = useState<number | null>(null);
  useEffect(() => {
    let current = true;
    storageRoom()
      .then((room) => current && setFree(room.free))
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [loadedCount]);
  return free;
}

/**
 * Whether a CSS media query matches now, kept current as the window changes: for a layout whose
 * markup, not only its styles, differs by width.
 *
 *   const wide = useMediaQuery('(min-width: 48rem)');
 */
import { useCallback, useSyncExternalStore } from 'react';

export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (notify: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', notify);
      return () => list.removeEventListener('change', notify);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches);
}

/**
 * A yes/no preference kept in localStorage (a side panel left open or closed): it survives reloads, and
 * pages of this origin opened later start with it. Storage disabled or a value the app did not write gives `fallback`.
 *
 *   const [open, setOpen] = useLocalFlag('glassbox-settings-open', true);
 */
import { useCallback, useState } from 'react';

function readFlag(key: string, fallback: boolean): boolean {
  try {
    const stored = localStorage.getItem(key);
    return stored === 'true' ? true : stored === 'false' ? false : fallback;
  } catch {
    return fallback;
  }
}

export function useLocalFlag(key: string, fallback: boolean): [boolean, (value: boolean) => void] {
  const [flag, setFlag] = useState(() => readFlag(key, fallback));
  const set = useCallback(
    (value: boolean) => {
      setFlag(value);
      try {
        localStorage.setItem(key, String(value));
      } catch {
        // storage disabled or full: the choice lasts as long as the page
      }
    },
    [key],
  );
  return [flag, set];
}

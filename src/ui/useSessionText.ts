/**
 * Text a person is typing, kept in sessionStorage: a reload of the tab (the first visit's one, or F5)
 * gives it back; another tab and a closed tab do not share it.
 *
 *   const [draft, setDraft] = useSessionText('glassbox-chat-draft');
 */
import { useEffect, useState } from 'react';

/** The text kept under `key`, or '' (none kept, or storage disabled). */
export function readSessionText(key: string): string {
  try {
    return sessionStorage.getItem(key) ?? '';
  } catch {
    return ''; // storage disabled: the text lives as long as the page
  }
}

export function useSessionText(key: string): [string, (text: string) => void] {
  const [text, setText] = useState(() => readSessionText(key));
  useEffect(() => {
    try {
      if (text) sessionStorage.setItem(key, text);
      else sessionStorage.removeItem(key);
    } catch {
      // storage disabled or full: the text still lives as long as the page
    }
  }, [key, text]);
  return [text, setText];
}

/** Forgets the text kept under `key` (the page's state still holds it until the page reloads). */
export function clearSessionText(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // storage disabled: nothing was kept
  }
}

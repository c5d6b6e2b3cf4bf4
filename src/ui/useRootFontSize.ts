/**
 * The root font size in CSS pixels (one rem), kept current when it changes, as a presenter mode does
 * when it enlarges the page for a projector: canvas text and sizes drawn in rem then follow the page.
 *
 *   const rem = useRootFontSize();
 *   context.font = `${0.7 * rem}px system-ui`;
 */
import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
let probe: { element: HTMLElement; observer: ResizeObserver } | null = null;

/** A hidden box 1rem wide: a ResizeObserver on it hears every change of the root font size. */
function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!probe) {
    const element = document.createElement('div');
    element.setAttribute('aria-hidden', 'true');
    Object.assign(element.style, {
      position: 'absolute',
      top: '0',
      left: '0',
      width: '1rem',
      height: '0',
      visibility: 'hidden',
      pointerEvents: 'none',
    });
    document.body.append(element);
    const observer = new ResizeObserver(() => listeners.forEach((notify) => notify()));
    observer.observe(element);
    probe = { element, observer };
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && probe) {
      probe.observer.disconnect();
      probe.element.remove();
      probe = null;
    }
  };
}

const rootFontSize = () => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;

export function useRootFontSize(): number {
  return useSyncExternalStore(subscribe, rootFontSize, () => 16);
}

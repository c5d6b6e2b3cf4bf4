/**
 * A panel beside the main content that can be folded away: a column on wide screens (open by default,
 * the choice kept), a drawer over the content on narrow ones (closed by default; Esc closes it, wherever
 * the focus is, and gives the focus back to its toggle).
 *
 *   const settings = useSidePanel('glassbox-chat-settings');
 *   <SidePanelToggle panel={settings} id="chat-settings">Settings</SidePanelToggle>
 *   <SidePanel panel={settings} id="chat-settings" label="Reply settings">…</SidePanel>
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useLocalFlag } from './useLocalFlag.ts';
import { useMediaQuery } from './useMediaQuery.ts';

/** Where side panels stop being columns and become drawers (in em: the browser's default font size). */
const WIDE_LAYOUT_QUERY = '(min-width: 68em)';

export interface SidePanelState {
  open: boolean;
  /** A drawer over the content rather than a column beside it. */
  overlay: boolean;
  setOpen: (open: boolean) => void;
}

export function useSidePanel(storageKey: string): SidePanelState {
  const wide = useMediaQuery(WIDE_LAYOUT_QUERY);
  const [wideOpen, setWideOpen] = useLocalFlag(storageKey, true);
  const [drawerOpen, setDrawerOpen] = useState(false);
  return wide
    ? { open: wideOpen, overlay: false, setOpen: setWideOpen }
    : { open: drawerOpen, overlay: true, setOpen: setDrawerOpen };
}

export function SidePanelToggle({
  panel,
  id,
  children,
}: {
  panel: SidePanelState;
  id: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      className="side-panel-toggle"
      aria-expanded={panel.open}
      aria-controls={id}
      data-side-toggle={id}
      onClick={() => panel.setOpen(!panel.open)}
    >
      {children}
    </button>
  );
}

export function SidePanel({
  panel,
  id,
  label,
  side,
  children,
}: {
  panel: SidePanelState;
  id: string;
  label: string;
  side: 'start' | 'end';
  children: ReactNode;
}) {
  const element = useRef<HTMLElement>(null);
  const { open, overlay, setOpen } = panel;
  const close = useCallback(() => {
    setOpen(false);
    document.querySelector<HTMLElement>(`[data-side-toggle="${id}"]`)?.focus();
  }, [id, setOpen]);
  // A drawer takes the focus when it opens, so a keyboard user lands in it; Esc closes it wherever the
  // focus went since, unless a dialog or popover (which close first) or something else took the key.
  useEffect(() => {
    if (!open || !overlay) return;
    element.current?.focus();
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      if (event.target instanceof Element && event.target.closest('dialog, [popover]')) return;
      event.preventDefault();
      close();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open, overlay, close]);
  if (!open) return null;
  return (
    <aside
      id={id}
      ref={element}
      tabIndex={-1}
      aria-label={label}
      className={`side-panel side-panel-${side}${overlay ? ' side-panel-drawer' : ''}`}
    >
      <div className="side-panel-head">
        <h2>{label}</h2>
        <button type="button" aria-label={`Close ${label.toLowerCase()}`} onClick={close}>
          ×
        </button>
      </div>
      {children}
    </aside>
  );
}

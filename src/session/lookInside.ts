/**
 * Which reply the "Look inside" view (chat/LookInside.tsx) shows, and how: shared here because a reply's
 * token ("Why this token?") and the Inspector's layer diagram both open it.
 *
 *   openLookInside('last', { layer: 3, tab: 'attention' }) // the last reply, layer 3's attention
 */
import { create } from 'zustand';

export type InsideTab = 'lens' | 'attention' | 'activations';

export interface InsideTarget {
  /** The reply's index among the chat's turns, or the last reply. */
  reply: number | 'last';
  /** The reply token to explain (0 = its first): the lens opens at the position that predicted it. */
  token: number | null;
  /** The layer the attention and activations open at (the last by default). */
  layer: number | null;
}

export const useLookInside = create<{ target: InsideTarget | null; tab: InsideTab }>(() => ({
  target: null,
  tab: 'lens',
}));

/** Opens the view; without a tab it opens where it was left, at the lens for a token. */
export function openLookInside(
  reply: number | 'last',
  { token = null, layer = null, tab }: { token?: number | null; layer?: number | null; tab?: InsideTab } = {},
): void {
  useLookInside.setState((state) => ({
    target: { reply, token, layer },
    tab: tab ?? (token === null ? state.tab : 'lens'),
  }));
}

export function closeLookInside(): void {
  useLookInside.setState({ target: null });
}

export function showInsideTab(tab: InsideTab): void {
  useLookInside.setState({ tab });
}

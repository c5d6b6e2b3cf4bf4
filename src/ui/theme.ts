/**
 * The colour theme: the system's (default), light or dark, chosen in the header and kept on this device.
 * The choice sets data-theme on <html>; theme.css picks every colour token from it (light-dark()).
 * Canvases cannot read CSS variables, so they get the tokens resolved to colours (themeColours).
 */
import { useMemo } from 'react';
import { create } from 'zustand';
import { useMediaQuery } from './useMediaQuery.ts';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
const THEME_KEY = 'glassbox-theme';

function storedTheme(): Theme {
  try {
    const stored = localStorage.getItem(THEME_KEY);
    return THEMES.find((theme) => theme === stored) ?? 'system';
  } catch {
    return 'system';
  }
}

function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

export const useThemeStore = create<{ theme: Theme; setTheme: (theme: Theme) => void }>((set) => ({
  theme: storedTheme(),
  setTheme: (theme) => {
    applyTheme(theme);
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // storage disabled: the theme lasts as long as the page
    }
    set({ theme });
  },
}));
applyTheme(useThemeStore.getState().theme);

/** Whether the page is dark now: the chosen theme, or the system's. */
export function useDarkScheme(): boolean {
  const theme = useThemeStore((state) => state.theme);
  const systemDark = useMediaQuery('(prefers-color-scheme: dark)');
  return theme === 'dark' || (theme === 'system' && systemDark);
}

export interface ThemeColours {
  fg: string;
  muted: string;
  accent: string;
  bg: string;
}

const TOKENS: Record<keyof ThemeColours, string> = {
  fg: '--fg',
  muted: '--muted',
  accent: '--accent',
  bg: '--bg',
};

/** The colour tokens as the browser resolves them now (a probe element's computed colour). */
function resolveColours(): ThemeColours {
  const probe = document.createElement('span');
  document.body.append(probe);
  const colours = Object.fromEntries(
    Object.entries(TOKENS).map(([name, token]) => {
      probe.style.color = `var(${token})`;
      return [name, getComputedStyle(probe).color];
    }),
  ) as unknown as ThemeColours;
  probe.remove();
  return colours;
}

/** The theme's colours for drawing on a canvas; new ones (so a redraw) when the theme changes. */
export function useThemeColours(): ThemeColours {
  const dark = useDarkScheme();
  // The scheme is not read by resolveColours, but changes what the tokens resolve to.
  return useMemo(resolveColours, [dark]);
}

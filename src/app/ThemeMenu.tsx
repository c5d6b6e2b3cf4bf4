import { THEMES, useThemeStore, type Theme } from '../ui/theme.ts';

const THEME_NAMES: Record<Theme, string> = {
  system: 'System theme',
  light: 'Light theme',
  dark: 'Dark theme',
};

/** Light or dark whatever the system says: a projector in a bright room reads better light. */
export function ThemeMenu() {
  const theme = useThemeStore((state) => state.theme);
  return (
    <label className="inline-field">
      <span className="visually-hidden">Theme</span>
      <select
        value={theme}
        onChange={(event) => useThemeStore.getState().setTheme(event.target.value as Theme)}
      >
        {THEMES.map((value) => (
          <option key={value} value={value}>
            {THEME_NAMES[value]}
          </option>
        ))}
      </select>
    </label>
  );
}

import { THEMES, useThemeStore, type Theme } from '../ui/theme.ts';

const THEME_NAMES: Record<Theme, string> = { system: 'As the system', light: 'Light', dark: 'Dark' };

/** Light or dark whatever the system says: a projector in a bright room reads better light. */
export function ThemeMenu() {
  const theme = useThemeStore((state) => state.theme);
  return (
    <label className="inline-field">
      Theme
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

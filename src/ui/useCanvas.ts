/**
 * A canvas that fills its container's width at the screen's pixel density and redraws when either
 * changes, or when the root font size does: `draw` receives a context scaled to CSS pixels, the CSS
 * size and one rem in pixels (size canvas text with it, so it grows with the page's text). `heightFor`
 * must be stable (defined outside the component) or it redraws on every render. `draw` also receives
 * the theme's colours, and runs again when the theme changes.
 */
import { useEffect, useRef, useState } from 'react';
import { useThemeColours, type ThemeColours } from './theme.ts';
import { useRootFontSize } from './useRootFontSize.ts';

export function useCanvas(
  heightFor: (width: number, rem: number) => number,
  draw: (
    context: CanvasRenderingContext2D,
    width: number,
    height: number,
    rem: number,
    colours: ThemeColours,
  ) => void,
) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const rem = useRootFontSize();
  const colours = useThemeColours();

  useEffect(() => {
    const element = canvas.current?.parentElement;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (!element || !context || width === 0) return;
    const height = heightFor(width, rem);
    const ratio = window.devicePixelRatio || 1;
    element.width = width * ratio;
    element.height = height * ratio;
    element.style.width = `${width}px`;
    element.style.height = `${height}px`;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    draw(context, width, height, rem, colours);
  }, [draw, width, heightFor, rem, colours]);

  return { canvas, width, rem };
}

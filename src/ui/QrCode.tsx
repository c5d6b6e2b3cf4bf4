import { useMemo } from 'react';
import { encode } from 'uqr';

/**
 * A QR code as an SVG that scales to its box: dark modules on white with the quiet zone the standard
 * asks for, so a phone reads it from the back of a room on a projector. Medium error correction: a
 * smudge or glare on the screen still scans.
 */
export function QrCode({ text, className }: { text: string; className?: string }) {
  const code = useMemo(() => {
    let data: boolean[][];
    try {
      ({ data } = encode(text, { ecc: 'M', border: 4 }));
    } catch {
      return null; // longer than the largest QR code holds
    }
    const modules: string[] = [];
    data.forEach((row, y) =>
      row.forEach((dark, x) => {
        if (dark) modules.push(`M${x} ${y}h1v1h-1z`);
      }),
    );
    return { size: data.length, path: modules.join('') };
  }, [text]);
  if (!code) {
    return (
      <p className="warning" role="status">
        Too long for a QR code ({text.length} characters): share the link or the file instead.
      </p>
    );
  }
  const { size, path } = code;
  return (
    <svg
      className={className}
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={`QR code of ${text}`}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

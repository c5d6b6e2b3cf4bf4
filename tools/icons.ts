/**
 * Draws the app icon (public/favicon.svg's design: a rounded box with a face) as the PNGs the web app
 * manifest needs, with Node built-ins only: an RGBA raster with 4×4 supersampling, then PNG (zlib).
 *
 *   npx tsx tools/icons.ts   # writes public/icon-192.png, icon-512.png, icon-maskable-512.png
 */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const BLUE: [number, number, number] = [59, 130, 246];

/** Coverage of the icon's shapes at (x, y) in the 64-unit design space; `inset` shrinks it for maskable safe zones. */
function ink(x: number, y: number): boolean {
  const box = (() => {
    // Rounded square outline: x,y in [6, 58], radius 10, stroke 5 (centred on the edge).
    const [cx, cy] = [Math.min(Math.max(x, 16), 48), Math.min(Math.max(y, 16), 48)];
    const distance = Math.hypot(x - cx, y - cy);
    return Math.abs(distance - 10) <= 2.5 && x >= 3.5 && x <= 60.5 && y >= 3.5 && y <= 60.5;
  })();
  const eye = Math.hypot(x - 24, y - 28) <= 5 || Math.hypot(x - 40, y - 28) <= 5;
  const mouth =
    y >= 39.5 && y <= 44.5 && x >= 22 && x <= 42
      ? true
      : Math.hypot(x - 22, y - 42) <= 2.5 || Math.hypot(x - 42, y - 42) <= 2.5;
  return box || eye || mouth;
}

function raster(size: number, background: [number, number, number] | null, scale: number): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = ((px + (sx + 0.5) / samples) / size - 0.5) * (64 / scale) + 32;
          const y = ((py + (sy + 0.5) / samples) / size - 0.5) * (64 / scale) + 32;
          if (ink(x, y)) hits++;
        }
      }
      const coverage = hits / samples ** 2;
      const offset = (py * size + px) * 4;
      if (background) {
        // White strokes on the blue background (maskable icons fill the whole square).
        for (let c = 0; c < 3; c++)
          pixels[offset + c] = Math.round(background[c]! + (255 - background[c]!) * coverage);
        pixels[offset + 3] = 255;
      } else {
        pixels.set([...BLUE, Math.round(coverage * 255)], offset);
      }
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed), 8 + data.length);
  return out;
}

function png(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++)
    rows.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ]);
}

for (const size of [192, 512]) writeFileSync(`public/icon-${size}.png`, png(size, raster(size, null, 1)));
// Maskable: the design inside the 80% safe zone on a full-bleed background.
writeFileSync('public/icon-maskable-512.png', png(512, raster(512, BLUE, 0.72)));

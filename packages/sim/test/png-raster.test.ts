import { crc32 as zlibCrc32 } from 'node:zlib';
import { toPixelPaths } from '../src/report/png/decimate';
import { crc32 } from '../src/report/png/encode';
import { GLYPH_COUNT } from '../src/report/png/font';
import { Canvas, Dash, fitText, type Rgb, textWidth } from '../src/report/png/raster';

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [10, 20, 30];

function inked(canvas: Canvas, color: Rgb = INK): Array<[number, number]> {
  const hits: Array<[number, number]> = [];
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      const [r, g, b] = canvas.getPixel(x, y);
      if (r === color[0] && g === color[1] && b === color[2]) hits.push([x, y]);
    }
  }
  return hits;
}

describe('crc32', () => {
  it('matches the standard check value and zlib', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256);
    expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    expect(crc32(bytes.subarray(1000), crc32(bytes.subarray(0, 1000)))).toBe(crc32(bytes));
  });
});

describe('Canvas', () => {
  it('draws a one-pixel line exactly and a thick one as a band', () => {
    const c = new Canvas(20, 10, WHITE);
    c.line(2, 3, 12, 3, INK, 1);
    expect(inked(c)).toEqual(Array.from({ length: 11 }, (_, i) => [2 + i, 3]));
    const thick = new Canvas(20, 10, WHITE);
    thick.line(2, 3, 12, 3, INK, 2);
    // A square brush: two rows, and one pixel past the end.
    expect(inked(thick)).toHaveLength(24);
    expect(new Set(inked(thick).map(([, y]) => y))).toEqual(new Set([3, 4]));
    const diagonal = new Canvas(10, 10, WHITE);
    diagonal.line(0, 0, 9, 9, INK, 1);
    expect(inked(diagonal)).toEqual(Array.from({ length: 10 }, (_, i) => [i, i]).sort((a, b) => a[1]! - b[1]!));
  });

  it('clips to the clip rectangle, and cuts far-away segments without walking them', () => {
    const c = new Canvas(50, 50, WHITE);
    c.setClip({ x: 10, y: 10, width: 20, height: 20 });
    c.line(-1e12, 20, 1e12, 20, INK, 1);
    c.line(0, 0, 49, 49, INK, 3);
    c.fillRect(0, 0, 50, 5, INK);
    const hits = inked(c);
    expect(hits.length).toBeGreaterThan(20);
    expect(hits.every(([x, y]) => x >= 10 && x < 30 && y >= 10 && y < 30)).toBe(true);
    c.setClip();
    c.fillRect(0, 0, 1, 1, INK);
    expect(c.getPixel(0, 0)).toEqual(INK);
  });

  it('ignores non-finite coordinates', () => {
    const c = new Canvas(10, 10, WHITE);
    c.line(NaN, 0, 5, 5, INK);
    c.line(0, 0, 5, Infinity, INK);
    expect(inked(c)).toHaveLength(0);
  });

  it('dashes with a phase that carries across segments', () => {
    const straight = new Canvas(120, 3, WHITE);
    straight.line(0, 1, 119, 1, INK, 1, new Dash(7, 5));
    expect(inked(straight)).toHaveLength(70);
    // The same line as 1-px segments: restarting the pattern per segment would draw it solid.
    const pieces = new Canvas(120, 3, WHITE);
    const dash = new Dash(7, 5);
    for (let x = 0; x < 119; x++) pieces.line(x, 1, x + 1, 1, INK, 1, dash);
    expect(inked(pieces)).toEqual(inked(straight));
  });

  it('writes text across and up, and measures it', () => {
    const c = new Canvas(60, 60, WHITE);
    c.text(1, 1, 'Hi', INK);
    const across = inked(c);
    expect(across.length).toBeGreaterThan(10);
    expect(Math.max(...across.map(([x]) => x))).toBeLessThan(1 + textWidth('Hi'));
    const up = new Canvas(60, 60, WHITE);
    up.textUp(1, 50, 'Hi', INK);
    const turned = inked(up);
    expect(turned).toHaveLength(across.length);
    expect(Math.min(...turned.map(([, y]) => y))).toBeGreaterThanOrEqual(50 - textWidth('Hi'));
    expect(Math.max(...turned.map(([x]) => x))).toBeLessThan(1 + 8);
    expect(textWidth('abc', 2)).toBe((3 * 6 - 1) * 2);
    expect(textWidth('')).toBe(0);
  });

  it('gives every printable character a glyph and draws unknown ones as ?', () => {
    expect(GLYPH_COUNT).toBe(95);
    for (let code = 33; code <= 126; code++) {
      const c = new Canvas(8, 10, WHITE);
      c.text(0, 0, String.fromCharCode(code), INK);
      expect([String.fromCharCode(code), inked(c).length > 0]).toEqual([String.fromCharCode(code), true]);
    }
    const draw = (s: string): Array<[number, number]> => {
      const c = new Canvas(8, 10, WHITE);
      c.text(0, 0, s, INK);
      return inked(c);
    };
    expect(draw('µ')).toEqual(draw('?'));
    expect(draw(' ')).toHaveLength(0);
  });

  it('shortens text to fit', () => {
    expect(fitText('short', 100)).toBe('short');
    const cut = fitText('a rather long label', 50);
    expect(cut.endsWith('..')).toBe(true);
    expect(textWidth(cut)).toBeLessThanOrEqual(50);
    expect(fitText('abc', 3)).toBe('');
  });
});

describe('toPixelPaths', () => {
  const id = (v: number): number => v;

  it('keeps first, extremes in order, and last per column', () => {
    const points: Array<[number, number]> = [[0, 5], [0.2, 9], [0.3, 1], [0.4, 4], [1, 3]];
    expect(toPixelPaths(points, id, id)).toEqual([[0, 5, 0, 9, 0, 1, 0, 4, 1, 3]]);
    const minFirst: Array<[number, number]> = [[0, 5], [0.2, 1], [0.3, 9], [0.4, 9]];
    expect(toPixelPaths(minFirst, id, id)).toEqual([[0, 5, 0, 1, 0, 9]]);
  });

  it('reduces many points to at most four vertices a column with the same extremes', () => {
    const points = Array.from({ length: 100_000 }, (_, i): [number, number] => [i / 10_000, Math.sin(i) * 100]);
    const [path, ...rest] = toPixelPaths(points, id, id);
    expect(rest).toHaveLength(0);
    // x from 0 to 9.9999 rounds into the 11 columns 0..10.
    expect(path!.length / 2).toBeLessThanOrEqual(4 * 11);
    const ys = path!.filter((_, i) => i % 2 === 1);
    expect(Math.max(...ys)).toBe(Math.round(Math.max(...points.map(([, y]) => y))));
  });

  it('skips non-finite points and breaks the line there', () => {
    const points: Array<[number, number]> = [[0, 1], [1, 2], [2, NaN], [3, 4], [Infinity, 1], [5, 6], [6, 7]];
    const paths = toPixelPaths(points, id, id);
    expect(paths).toEqual([[0, 1, 1, 2], [3, 4], [5, 6, 6, 7]]);
    expect(paths.flat().every(Number.isFinite)).toBe(true);
    expect(toPixelPaths([], id, id)).toEqual([]);
  });
});

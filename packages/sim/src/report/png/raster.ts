import { GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, glyphColumns } from './font';

export type Rgb = readonly [number, number, number];

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Dash phase carried across the segments of one polyline. Restarting the pattern at every segment would
 * leave a polyline of one-pixel segments (a decimated series) solid, so the phase belongs to the line, not
 * the segment.
 */
export class Dash {
  private position = 0;

  constructor(
    readonly onPx: number,
    readonly offPx: number,
  ) {}

  get visible(): boolean {
    return this.position < this.onPx;
  }

  advance(px: number): void {
    this.position = (this.position + px) % (this.onPx + this.offPx);
  }
}

/** The line thickness used when none is given, in pixels. */
export const DEFAULT_LINE_THICKNESS_PX = 2;

/**
 * An RGB raster with a clip rectangle. Everything is integer pixels with (0, 0) top left; drawing outside
 * the clip is silently dropped, which is what lets the chart draw series without checking bounds.
 */
export class Canvas {
  readonly pixels: Uint8Array;
  private clip: Rect;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.pixels.set(background, 0);
    // Doubling copies fill 1 M pixels in ~20 calls instead of a call per pixel.
    for (let filled = 3; filled < this.pixels.length; filled *= 2) this.pixels.copyWithin(filled, 0, filled);
    this.clip = { x: 0, y: 0, width, height };
  }

  /** Restrict drawing to `rect` (within the canvas); no argument restores the whole canvas. */
  setClip(rect?: Rect): void {
    const r = rect ?? { x: 0, y: 0, width: this.width, height: this.height };
    const x0 = Math.max(0, Math.floor(r.x));
    const y0 = Math.max(0, Math.floor(r.y));
    const x1 = Math.min(this.width, Math.floor(r.x + r.width));
    const y1 = Math.min(this.height, Math.floor(r.y + r.height));
    this.clip = { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
  }

  setPixel(x: number, y: number, color: Rgb): void {
    const c = this.clip;
    if (x < c.x || y < c.y || x >= c.x + c.width || y >= c.y + c.height) return;
    this.put((y * this.width + x) * 3, color);
  }

  private put(i: number, color: Rgb): void {
    this.pixels[i] = color[0];
    this.pixels[i + 1] = color[1];
    this.pixels[i + 2] = color[2];
  }

  getPixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 3;
    return [this.pixels[i] ?? 0, this.pixels[i + 1] ?? 0, this.pixels[i + 2] ?? 0];
  }

  fillRect(x: number, y: number, width: number, height: number, color: Rgb): void {
    const x0 = Math.max(Math.round(x), this.clip.x);
    const y0 = Math.max(Math.round(y), this.clip.y);
    const x1 = Math.min(Math.round(x + width), this.clip.x + this.clip.width);
    const y1 = Math.min(Math.round(y + height), this.clip.y + this.clip.height);
    for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) this.put((yy * this.width + xx) * 3, color);
  }

  /** A one-pixel rectangle outline whose outer edge is `rect`. */
  strokeRect(rect: Rect, color: Rgb): void {
    const { x, y, width, height } = rect;
    this.fillRect(x, y, width, 1, color);
    this.fillRect(x, y + height - 1, width, 1, color);
    this.fillRect(x, y, 1, height, color);
    this.fillRect(x + width - 1, y, 1, height, color);
  }

  /**
   * Bresenham from (x0, y0) to (x1, y1), both ends included, each step stamped as a `thickness`-pixel
   * square. The segment is first cut to the clip rectangle (Liang–Barsky) so that a point far outside the
   * canvas costs nothing; the dash phase still advances over the part cut away so that dashes stay even.
   */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = DEFAULT_LINE_THICKNESS_PX, dash?: Dash): void {
    if (![x0, y0, x1, y1].every(Number.isFinite)) return;
    const t = Math.max(1, Math.round(thickness));
    const half = Math.floor((t - 1) / 2);
    const c = this.clip;
    const cut = clipSegment(x0, y0, x1, y1, c.x - t, c.y - t, c.x + c.width + t, c.y + c.height + t);
    if (cut === undefined) {
      dash?.advance(Math.round(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
      return;
    }
    let x = Math.round(cut[0]);
    let y = Math.round(cut[1]);
    const xe = Math.round(cut[2]);
    const ye = Math.round(cut[3]);
    dash?.advance(Math.round(Math.max(Math.abs(cut[0] - x0), Math.abs(cut[1] - y0))));
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      if (dash === undefined || dash.visible) this.stamp(x - half, y - half, t, color);
      if (x === xe && y === ye) break;
      dash?.advance(1);
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  private stamp(x: number, y: number, size: number, color: Rgb): void {
    if (size === 1) {
      this.setPixel(x, y, color);
      return;
    }
    for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) this.setPixel(x + i, y + j, color);
  }

  /** Text with its top-left corner at (x, y), each font pixel drawn as a `scale`×`scale` block. */
  text(x: number, y: number, text: string, color: Rgb, scale = 1): void {
    this.glyphs(text, scale, color, (gx, gy) => [x + gx, y + gy]);
  }

  /**
   * Text turned a quarter turn anticlockwise, reading bottom to top, as a y axis label is: (x, y) is the
   * bottom-left corner of the turned text, which is `textWidth` tall and `textHeight` wide.
   */
  textUp(x: number, y: number, text: string, color: Rgb, scale = 1): void {
    this.glyphs(text, scale, color, (gx, gy, s) => [x + gy, y - gx - s]);
  }

  private glyphs(text: string, scale: number, color: Rgb, place: (gx: number, gy: number, s: number) => [number, number]): void {
    const s = Math.max(1, Math.round(scale));
    let advance = 0;
    for (const ch of text) {
      const columns = glyphColumns(ch.codePointAt(0) ?? 0);
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        const bits = columns[col] ?? 0;
        for (let row = 0; row < GLYPH_HEIGHT; row++) {
          if ((bits >> row) & 1) {
            const [px, py] = place(advance + col * s, row * s, s);
            this.fillRect(px, py, s, s, color);
          }
        }
      }
      advance += GLYPH_ADVANCE * s;
    }
  }
}

/** Width of `text` at `scale`, without the blank column after the last glyph. */
export function textWidth(text: string, scale = 1): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * scale;
}

export function textHeight(scale = 1): number {
  return GLYPH_HEIGHT * scale;
}

/** `text` cut (with '..') to fit `maxWidth` pixels at `scale`; '' if not even that fits. */
export function fitText(text: string, maxWidth: number, scale = 1): string {
  if (textWidth(text, scale) <= maxWidth) return text;
  const chars = [...text];
  for (let n = chars.length - 1; n > 0; n--) {
    const cut = `${chars.slice(0, n).join('')}..`;
    if (textWidth(cut, scale) <= maxWidth) return cut;
  }
  return '';
}

/** Liang–Barsky: the part of the segment inside [xmin, xmax] × [ymin, ymax], or undefined if none. */
function clipSegment(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  xmin: number,
  ymin: number,
  xmax: number,
  ymax: number,
): [number, number, number, number] | undefined {
  const dx = x1 - x0;
  const dy = y1 - y0;
  let t0 = 0;
  let t1 = 1;
  const edges: Array<[number, number]> = [
    [-dx, x0 - xmin],
    [dx, xmax - x0],
    [-dy, y0 - ymin],
    [dy, ymax - y0],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return undefined;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return undefined;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return undefined;
      if (r < t1) t1 = r;
    }
  }
  return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy];
}

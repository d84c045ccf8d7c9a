import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { type ChartOptions, type ChartSeries, renderChartPng } from '../src/report/png';
import { encodePng } from '../src/report/png/encode';

/** A decoded 8-bit RGB or RGBA PNG: just enough of a reader to check what the renderer wrote. */
interface Decoded {
  width: number;
  height: number;
  chunks: string[];
  pixel(x: number, y: number): [number, number, number];
}

// Independent of the renderer: chunk CRCs are checked with zlib's CRC-32, not the one under test.
function decodePng(png: Buffer): Decoded {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let header: Buffer | undefined;
  let offset = 8;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(zlibCrc32(png.subarray(offset + 4, offset + 8 + length)));
    chunks.push(type);
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  expect(offset).toBe(png.length);
  if (header === undefined) throw new Error('no IHDR');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  expect(header[8]).toBe(8);
  const channels = header[9] === 6 ? 4 : 3;
  expect([2, 6]).toContain(header[9]);
  expect([...header.subarray(10, 13)]).toEqual([0, 0, 0]);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe((stride + 1) * height);
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    // Only filter 0 is written, so only filter 0 is read; anything else would be a renderer change to review.
    expect(raw[y * (stride + 1)]).toBe(0);
    raw.copy(pixels, y * stride, y * (stride + 1) + 1, (y + 1) * (stride + 1));
  }
  return {
    width,
    height,
    chunks,
    pixel: (x, y) => {
      const i = (y * width + x) * channels;
      return [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
    },
  };
}

function count(image: Decoded, test: (rgb: [number, number, number]) => boolean, rows = [0, image.height]): number {
  let n = 0;
  for (let y = rows[0]!; y < rows[1]!; y++) for (let x = 0; x < image.width; x++) if (test(image.pixel(x, y))) n++;
  return n;
}

const MAGENTA: [number, number, number] = [200, 30, 170];
const TEAL: [number, number, number] = [0, 150, 140];
const is = (c: readonly number[]) => (p: readonly number[]): boolean => p[0] === c[0] && p[1] === c[1] && p[2] === c[2];
const dark = (p: readonly number[]): boolean => p.every((v) => v < 100);

function series(points: Array<[number, number]>, extra: Partial<ChartSeries> = {}): ChartSeries {
  return { label: 'series', color: MAGENTA, points, ...extra };
}

function chart(panels: ChartOptions['panels'], extra: Partial<ChartOptions> = {}): ChartOptions {
  return { width: 640, height: 400, title: 'Elasticity report', xLabel: 'time (s)', panels, ...extra };
}

const wave = Array.from({ length: 500 }, (_, i): [number, number] => [i * 10, 50 + 40 * Math.sin(i / 30)]);

describe('renderChartPng', () => {
  it('writes a valid PNG of the requested size with a white background, the title and the series', () => {
    const image = decodePng(renderChartPng(chart([{ title: 'Load', yLabel: 'rps', series: [series(wave)] }])));
    expect([image.width, image.height]).toEqual([640, 400]);
    expect(image.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(image.pixel(0, 0)).toEqual([255, 255, 255]);
    expect(image.pixel(639, 399)).toEqual([255, 255, 255]);
    // The title is drawn at 2× at 1× text scale: 6 px padding, 16 px of glyphs.
    expect(count(image, dark, [0, 28])).toBeGreaterThan(100);
    // The series is drawn in the plot, well below the title and the panel's legend.
    expect(count(image, is(MAGENTA), [60, 360])).toBeGreaterThan(500);
  });

  it('is deterministic, and different input gives different bytes', () => {
    const options = chart([
      { title: 'Load', yLabel: 'rps', rightYLabel: 'ms', series: [series(wave), series(wave.map(([x, y]) => [x, y * 3]), { axis: 'right', dashed: true, color: TEAL })] },
      { title: 'Replicas', yLabel: 'containers', series: [series(wave.map(([x, y]) => [x, Math.round(y / 10)]))] },
    ], { xFormat: 'seconds' });
    const first = renderChartPng(options);
    expect(renderChartPng(options).equals(first)).toBe(true);
    expect(renderChartPng({ ...options, title: 'Other' }).equals(first)).toBe(false);
  });

  it('draws right-axis and dashed series, each with a legend swatch', () => {
    const image = decodePng(
      renderChartPng(chart([{ title: 'Load', yLabel: 'rps', rightYLabel: 'p99 ms', series: [series(wave, { axis: 'right', dashed: true, color: TEAL, label: 'p99' })] }])),
    );
    expect(count(image, is(TEAL), [60, 360])).toBeGreaterThan(200);
    expect(count(image, is(TEAL), [28, 50])).toBeGreaterThan(0);
  });

  it('renders a point on its own as a visible mark', () => {
    const image = decodePng(renderChartPng(chart([{ title: '', yLabel: '', series: [series([[5, 3]], { label: '' })] }])));
    expect(count(image, is(MAGENTA))).toBeGreaterThanOrEqual(9);
  });

  it.each<[string, ChartOptions]>([
    ['no panels', chart([])],
    ['a panel with no series', chart([{ title: 'Empty', yLabel: 'y', series: [] }])],
    ['a series with no points', chart([{ title: 'Empty', yLabel: 'y', series: [series([])] }])],
    ['only non-finite points', chart([{ title: 'NaN', yLabel: 'y', series: [series([[NaN, 1], [1, NaN], [Infinity, 2], [3, -Infinity]])] }])],
    ['NaN among points', chart([{ title: 'gaps', yLabel: 'y', series: [series(wave.map(([x, y], i) => [x, i % 50 === 0 ? NaN : y]))] }])],
    ['all zeros', chart([{ title: 'zero', yLabel: 'y', series: [series(wave.map(([x]) => [x, 0]))] }])],
    ['one x value', chart([{ title: 'one x', yLabel: 'y', series: [series([[7, 1], [7, 5]])] }])],
    ['negative values', chart([{ title: 'neg', yLabel: 'y', rightYLabel: 'r', series: [series(wave.map(([x, y]) => [x, y - 80])), series(wave, { axis: 'right' })] }])],
    ['huge values', chart([{ title: 'big', yLabel: 'y', series: [series([[0, 1e300], [1, -1e300], [2, 1.7e308]])] }])],
    ['unsorted x', chart([{ title: 'unsorted', yLabel: 'y', series: [series([[5, 1], [1, 4], [9, 2], [3, 3]])] }])],
    ['long labels', chart([{ title: 'x'.repeat(300), yLabel: 'y'.repeat(300), rightYLabel: 'r'.repeat(300), series: [series(wave, { label: 'l'.repeat(300) })] }], { title: 't'.repeat(300), xLabel: 'x'.repeat(300) })],
    ['a tiny canvas', chart([{ title: 'Load', yLabel: 'rps', series: [series(wave)] }], { width: 30, height: 20 })],
    ['a one-pixel canvas', chart([{ title: 'Load', yLabel: 'rps', series: [series(wave)] }], { width: 1, height: 1 })],
    ['many panels', chart(Array.from({ length: 12 }, (_, i) => ({ title: `p${i}`, yLabel: 'y', series: [series(wave)] })), { height: 300 })],
    ['2× text and thick lines', chart([{ title: 'Load', yLabel: 'rps', series: [series(wave)] }], { width: 1200, height: 700, textScale: 2, lineWidth: 5 })],
  ])('renders %s', (_name, options) => {
    const image = decodePng(renderChartPng(options));
    expect([image.width, image.height]).toEqual([options.width, options.height]);
  });

  it('renders 100k points per series', () => {
    const many = Array.from({ length: 100_000 }, (_, i): [number, number] => [i, 100 + 50 * Math.sin(i / 500) + (i % 17)]);
    const image = decodePng(
      renderChartPng(
        chart([{ title: 'Load', yLabel: 'rps', series: [series(many), series(many.map(([x, y]) => [x, y / 2]), { color: TEAL, dashed: true })] }], {
          width: 1400,
          height: 900,
          xFormat: 'seconds',
        }),
      ),
    );
    expect(count(image, is(MAGENTA))).toBeGreaterThan(1000);
  });

  it('rejects a size that is not a whole number of pixels in range', () => {
    for (const [width, height] of [[0, 10], [10, 1.5], [NaN, 10], [20_000, 10], [10, -1]]) {
      expect(() => renderChartPng(chart([], { width: width!, height: height! }))).toThrow(RangeError);
    }
  });
});

describe('encodePng', () => {
  it('round-trips pixels through the reader', () => {
    const rgb = Uint8Array.from({ length: 7 * 5 * 3 }, (_, i) => (i * 37) % 256);
    const image = decodePng(encodePng(7, 5, rgb));
    expect([image.width, image.height]).toEqual([7, 5]);
    expect(image.pixel(6, 4)).toEqual([...rgb.subarray(rgb.length - 3)]);
    expect(image.pixel(2, 1)).toEqual([...rgb.subarray((1 * 7 + 2) * 3, (1 * 7 + 2) * 3 + 3)]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow(RangeError);
  });
});

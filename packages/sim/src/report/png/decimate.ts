/**
 * Data points → pixel polylines, at most four vertices per pixel column.
 *
 * A 14-day run per second is 1.2 M points and a chart is ~1,000 columns wide, so drawing every segment
 * would repaint each column hundreds of times. Within one column every point lands on the same x, so the
 * path first → min → max → last (in the order min and max occurred) covers exactly the pixels the full path
 * would, and the join to the next column starts from the true last value: the picture is unchanged.
 */

/** A polyline in pixel space as flat x, y pairs. */
export type PixelPath = number[];

/**
 * Consecutive finite points, mapped by `toX`/`toY`, as polylines. A point with a non-finite coordinate
 * (NaN for "no data") is skipped and ends the current polyline, so a gap shows as a gap rather than as a
 * straight line drawn across missing data.
 */
export function toPixelPaths(
  points: ReadonlyArray<readonly [number, number]>,
  toX: (x: number) => number,
  toY: (y: number) => number,
): PixelPath[] {
  const paths: PixelPath[] = [];
  let path: PixelPath = [];
  let column = NaN;
  let first = 0;
  let min = 0;
  let max = 0;
  let last = 0;
  let index = 0;
  let minAt = 0;
  let maxAt = 0;

  const flush = (): void => {
    if (Number.isNaN(column)) return;
    const ys = minAt <= maxAt ? [first, min, max, last] : [first, max, min, last];
    for (const y of ys) {
      // Repeats add nothing but would cost a zero-length segment each.
      if (path.length >= 2 && path[path.length - 2] === column && path[path.length - 1] === y) continue;
      path.push(column, y);
    }
    column = NaN;
  };
  const endPath = (): void => {
    flush();
    if (path.length > 0) paths.push(path);
    path = [];
  };

  for (const [x, y] of points) {
    const px = Math.round(toX(x));
    const py = Math.round(toY(y));
    if (!Number.isFinite(px) || !Number.isFinite(py)) {
      endPath();
      continue;
    }
    if (px !== column) {
      flush();
      column = px;
      first = min = max = last = py;
      index = minAt = maxAt = 0;
      continue;
    }
    last = py;
    index++;
    if (py < min) {
      min = py;
      minAt = index;
    } else if (py > max) {
      max = py;
      maxAt = index;
    }
  }
  endPath();
  return paths;
}

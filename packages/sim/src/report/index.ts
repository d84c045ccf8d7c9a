import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { overviewChart, zoomChart } from './charts';
import { formatReportMarkdown } from './format';
import type { ReportResult } from './report';

export { buildReport, checkGoal, hasZoom, REPORT_FORMAT, REPORT_STARTUP_S } from './report';
export type { GoalCheck, PolicyFigures, ReportData, ReportOptions, ReportResult, ScenarioReport, ScenarioRuns } from './report';
export { formatReportMarkdown, formatReportTable } from './format';
export { CHART_SIZE, overviewChart, zoomChart, zoomWindow } from './charts';
export * from './scenarios';

/**
 * Writes report.md, report.json and the charts into `dir` (created if missing) and returns the paths
 * written, in that order.
 */
export function writeReport(dir: string, result: ReportResult): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, content: string | Buffer): void => {
    const path = join(dir, name);
    writeFileSync(path, content);
    written.push(path);
  };
  write('report.md', formatReportMarkdown(result.data) + '\n');
  write('report.json', JSON.stringify(result.data, null, 2) + '\n');
  result.runs.forEach((runs, i) => {
    const charts = result.data.scenarios[i]!.charts;
    write(charts.overview, overviewChart(runs));
    if (charts.zoom !== null) write(charts.zoom, zoomChart(runs));
  });
  return written;
}

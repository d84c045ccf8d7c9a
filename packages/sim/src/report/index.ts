import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { overviewChart, zoomChart } from './charts';
import { formatReportMarkdown } from './format';
import type { ReportResult } from './report';
import { formatAcrossSeeds, type AcrossSeeds } from './seeds';

export { buildReport, checkGoal, hasZoom, REPORT_FORMAT, REPORT_STARTUP_S } from './report';
export type { GoalCheck, PolicyFigures, ReportData, ReportOptions, ReportResult, ScenarioReport, ScenarioRuns } from './report';
export { formatReportMarkdown, formatReportTable } from './format';
export { CHART_SIZE, overviewChart, zoomChart, zoomWindow } from './charts';
export * from './scenarios';
export { acrossSeeds, formatAcrossSeeds, type AcrossSeeds, type ScenarioAcrossSeeds, type SeedVerdict } from './seeds';

/**
 * Writes report.md, report.json and the charts into `dir` (created if missing) and returns the paths
 * written, in that order.
 */
export function writeReport(dir: string, result: ReportResult, across?: AcrossSeeds): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, content: string | Buffer): void => {
    const path = join(dir, name);
    writeFileSync(path, content);
    written.push(path);
  };
  let markdown = formatReportMarkdown(result.data);
  // Across seeds first: the verdict that counts, before the first seed's details.
  if (across !== undefined && across.seeds.length > 1) markdown = markdown.replace('\n## Goals\n', `\n## Across seeds\n\n${formatAcrossSeeds(across, true)}\n\n## Goals (seed ${result.data.seed}, drawn below)\n`);
  write('report.md', markdown + '\n');
  write('report.json', JSON.stringify(across === undefined ? result.data : { ...result.data, acrossSeeds: across }, null, 2) + '\n');
  result.runs.forEach((runs, i) => {
    const charts = result.data.scenarios[i]!.charts;
    write(charts.overview, overviewChart(runs));
    if (charts.zoom !== null) write(charts.zoom, zoomChart(runs));
  });
  return written;
}

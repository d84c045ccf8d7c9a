import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { ClusterState } from '../cluster-state';
import type { NewEvent } from '../events';
import type { ServicesReader } from './services-reader';
import type { Tier1Front } from '../traffic/tier1-front';
import { registerAgentMetrics, registerServiceMetrics } from './cluster-metrics';
import { commandOutcomeOf, scalingActionOf } from './event-counts';
import { registerForecastMetrics } from './forecast-metrics';
import { CollectedMetrics } from './collected-metric';
import { ScrapeScope } from './scrape-scope';
import { registerTrafficMetrics } from './traffic-metrics';

const NON_COUNTER_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface VimMetricsSources {
  cluster: ClusterState;
  traffic: Tier1Front;
  services: ServicesReader;
  now: () => number;
}

/**
 * The VIM's Prometheus metrics (`GET /metrics` on the admin port). A registry of its own, not
 * prom-client's global one, so several VIMs in one process (in-process tests) never collide. Almost
 * everything is a gauge or counter read from current state when scraped; only what exists as a moment
 * (a scaling action, a command's outcome, an alert) is counted as it happens, from the event it records.
 */
export class VimMetrics {
  readonly registry = new Registry();
  private readonly scope = new ScrapeScope();
  /** Everything read from state at scrape time; the registry holds prom-client's own metrics and the event counters. */
  private readonly collected = new CollectedMetrics();
  private readonly scalingActions: Counter<'service' | 'direction' | 'reason'>;
  private readonly commands: Counter<'service' | 'command' | 'outcome'>;
  private readonly alerts: Counter<'kind' | 'outcome'>;

  constructor(sources: VimMetricsSources) {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters fail `promtool check metrics`; each is the sum of the same name without
    // `_total`, which prom-client also exposes, by type.
    for (const name of NON_COUNTER_TOTALS) this.registry.removeSingleMetric(name);
    registerTrafficMetrics(this.collected, sources.cluster, sources.traffic);
    registerAgentMetrics(this.collected, sources.cluster, sources.now);
    registerServiceMetrics(this.collected, sources.services, this.scope);
    registerForecastMetrics(this.collected, sources.services, sources.now, this.scope);
    const registers = [this.registry];
    this.scalingActions = new Counter({
      name: 'acs_scaling_actions_total',
      help: "Changes of a service's desired count, by direction (up, down) and reason (the autoscaler's, operator, adopt).",
      labelNames: ['service', 'direction', 'reason'],
      registers,
    });
    this.commands = new Counter({
      name: 'acs_container_commands_total',
      help: 'Start and stop commands the control loop sent to VMMs, by outcome (ok, failed).',
      labelNames: ['service', 'command', 'outcome'],
      registers,
    });
    this.alerts = new Counter({
      name: 'acs_alerts_total',
      help: 'Alerts by kind and outcome: sent (queued for the webhooks), suppressed (rate limit), dropped (queue full).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
  }

  /** Counts what an event records; called for every event the control loop appends. */
  observeEvent(event: Pick<NewEvent, 'kind' | 'service' | 'data'>): void {
    const action = scalingActionOf(event);
    if (action) this.scalingActions.inc(action);
    const command = commandOutcomeOf(event);
    if (command) this.commands.inc(command);
  }

  observeAlert(kind: string, outcome: 'sent' | 'suppressed' | 'dropped'): void {
    this.alerts.inc({ kind, outcome });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    this.scope.begin();
    const own = await this.collected.render();
    return { contentType: this.registry.contentType, body: `${own}${await this.registry.metrics()}` };
  }
}

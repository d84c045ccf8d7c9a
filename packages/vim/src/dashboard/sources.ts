import type { ForecastView, ServicePolicyView, ServiceView } from '@acs/api-types';
import type { ClusterState } from '../cluster-state';
import type { EventStore } from '../events';
import type { Tier1Front } from '../traffic/tier1-front';

/** What the live view reads of the services (the VIM's `Services` has it). */
export interface ServicesReader {
  list(): ServiceView[];
  isDraining(vmId: string): boolean;
  policyView(name: string): ServicePolicyView;
  forecastView(name: string): ForecastView;
}

/** The parts of the VIM the live view reads; it never changes any of them. */
export interface DashboardSources {
  cluster: ClusterState;
  services: ServicesReader;
  events: EventStore;
  traffic: Tier1Front;
  now: () => number;
}

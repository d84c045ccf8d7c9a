import type { ClusterState } from '../cluster-state';
import type { EventStore } from '../events';
import type { Services } from '../scaling/services';
import type { Tier1Front } from '../traffic/tier1-front';

/** The parts of the VIM the live view reads; it never changes any of them. */
export interface DashboardSources {
  cluster: ClusterState;
  services: Services;
  events: EventStore;
  traffic: Tier1Front;
  now: () => number;
}

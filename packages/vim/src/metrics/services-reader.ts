import type { ForecastView, ServiceView } from '@acs/api-types';

/** What the metrics read of the VIM's services (`Services` has it); narrow, so metrics depend on no more. */
export interface ServicesReader {
  list(): ServiceView[];
  get(name: string): {
    service: { policy: { controlPeriodMs: number } };
    forecast: { view(service: string, now: number, controlPeriodMs: number, points?: number): ForecastView };
  };
}

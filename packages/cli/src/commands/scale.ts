import type { AutoscaleRequest, ScaleRequest, ServiceView } from '@acs/api-types';
import type { AdminClient } from '../api-client';
import { plural } from '../format';

function servicePath(service: string, action: string): string {
  return `/api/v1/services/${encodeURIComponent(service)}/${action}`;
}

/** What is running now next to what was asked: the gap is what the VIM is about to start or stop. */
function progress(s: ServiceView): string {
  return `now ${s.ready} ready, ${s.starting} starting, ${s.draining} draining`;
}

/** `acs scale 5`: pins the count, which switches the autoscaler off for the service. */
export async function scaleCommand(
  client: AdminClient,
  replicas: number,
  options: { service: string; json?: boolean },
  out: (text: string) => void,
): Promise<void> {
  const body: ScaleRequest = { replicas };
  const view = await client.post<ServiceView>(servicePath(options.service, 'scale'), body);
  if (options.json) {
    out(JSON.stringify(view, null, 2));
    return;
  }
  const autoscale = view.autoscale
    ? 'autoscale is still on, so the autoscaler may change it again'
    : 'autoscale is now off until `acs autoscale on`';
  out(`${view.name} pinned at ${plural(view.desired, 'container')} (${progress(view)}); ${autoscale}`);
}

export async function autoscaleCommand(
  client: AdminClient,
  state: 'on' | 'off',
  options: { service: string; json?: boolean },
  out: (text: string) => void,
): Promise<void> {
  const body: AutoscaleRequest = { enabled: state === 'on' };
  const view = await client.post<ServiceView>(servicePath(options.service, 'autoscale'), body);
  if (options.json) {
    out(JSON.stringify(view, null, 2));
    return;
  }
  out(
    view.autoscale
      ? `autoscale on for ${view.name}: the ${view.strategy} autoscaler sets the count between ${view.minReplicas} and ${view.maxReplicas} (desired ${view.desired}, ${progress(view)})`
      : `autoscale off for ${view.name}: the count stays at ${view.desired} until \`acs scale\` or \`acs autoscale on\` (${progress(view)})`,
  );
}

/**
 * Labels on every container the VMM creates. The VMM lists, stops and removes only containers that
 * carry `acs.managed=true` and its own `acs.vmm` id: anything else on the engine (another VMM's, or
 * something a person started) is never touched.
 */
export const LABEL_MANAGED = 'acs.managed';
export const LABEL_VMM = 'acs.vmm';
export const LABEL_SERVICE = 'acs.service';

export function ownLabels(agentId: string, service: string): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_VMM]: agentId, [LABEL_SERVICE]: service };
}

/** Docker API filter selecting exactly this agent's containers. */
export function ownLabelFilter(agentId: string): { label: string[] } {
  return { label: [`${LABEL_MANAGED}=true`, `${LABEL_VMM}=${agentId}`] };
}

export function isOwnedBy(labels: Record<string, string> | undefined, agentId: string): boolean {
  return labels?.[LABEL_MANAGED] === 'true' && labels[LABEL_VMM] === agentId;
}

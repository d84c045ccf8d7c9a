/** What the VIM alerts on. */
export const ALERT_KINDS = ['vm-lost', 'docker-unavailable', 'scaling-action-failed', 'capacity-exhausted', 'slo-breach'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertSeverity = 'critical' | 'warning';

/** An alert as the rules raise it (time in epoch ms). */
export interface Alert {
  kind: AlertKind;
  severity: AlertSeverity;
  /** The service it concerns, or null (a VM lost concerns the cluster). */
  service: string | null;
  /** The VM it concerns, or null. */
  vm: string | null;
  /** One line a person can read. */
  message: string;
  at: number;
  details: Record<string, unknown>;
}

/** The JSON body POSTed to every webhook. */
export interface AlertPayload {
  kind: AlertKind;
  severity: AlertSeverity;
  service: string | null;
  vm: string | null;
  message: string;
  /** ISO 8601. */
  time: string;
  details: Record<string, unknown>;
}

export function alertPayload(alert: Alert): AlertPayload {
  return { kind: alert.kind, severity: alert.severity, service: alert.service, vm: alert.vm, message: alert.message, time: new Date(alert.at).toISOString(), details: alert.details };
}

/** What the rate limit is kept per: the kind and what it is about (a service, a VM, or both). */
export function alertSubject(alert: Pick<Alert, 'kind' | 'service' | 'vm'>): string {
  return `${alert.kind}|${alert.service ?? ''}|${alert.vm ?? ''}`;
}

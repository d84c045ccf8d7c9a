/** The demo's view of a running lab: GETs on the VIM's admin API, with errors that say what to do. */
import type { ClusterResponse, ContainerListResponse, EventListResponse, VmListResponse } from '@acs/api-types';
import { isLoopbackHost } from '@acs/loadgen';

/** A command-line problem: exit 2. */
export class DemoUsageError extends Error {}

/** Nothing answers where the lab should be: exit 1. */
export class NoLabError extends Error {
  constructor(readonly api: string, cause: string) {
    super(`no lab is answering at ${api} (${cause}): start one with npm start, or point --api at it`);
  }
}

export class LabApiError extends Error {}

/** The URL, refused unless it is http:// on loopback: the demo offers load and must never aim it elsewhere. */
export function loopbackUrl(raw: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DemoUsageError(`${flag} is not a URL: '${raw}'`);
  }
  if (url.protocol !== 'http:') throw new DemoUsageError(`${flag} must be an http:// URL, got '${raw}'`);
  if (!isLoopbackHost(url.hostname)) {
    throw new DemoUsageError(`refusing ${flag} ${url.host}: the demo runs against a local lab only (127.0.0.0/8, ::1, localhost)`);
  }
  return url;
}

export class LabClient {
  constructor(
    readonly api: string,
    private readonly token: string | undefined,
  ) {}

  cluster(): Promise<ClusterResponse> {
    return this.get('/api/v1/cluster');
  }

  vms(): Promise<VmListResponse> {
    return this.get('/api/v1/vms');
  }

  containers(): Promise<ContainerListResponse> {
    return this.get('/api/v1/containers');
  }

  /** Events after `sinceId`, oldest first, following pages until none are left (at most `maxPages`). */
  async eventsSince(sinceId: number, maxPages = 20): Promise<EventListResponse> {
    const events: EventListResponse['events'] = [];
    let since = sinceId;
    let lastId = sinceId;
    for (let page = 0; page < maxPages; page++) {
      const answer = await this.get<EventListResponse>(`/api/v1/events?since=${since}&limit=1000`);
      events.push(...answer.events);
      lastId = answer.lastId;
      if (answer.events.length < 1000) break;
      since = answer.events[answer.events.length - 1]!.id;
    }
    return { events, lastId };
  }

  async lastEventId(): Promise<number> {
    return (await this.get<EventListResponse>('/api/v1/events?limit=1')).lastId;
  }

  private async get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.api}${path}`, {
        signal: AbortSignal.timeout(5000),
        ...(this.token === undefined ? {} : { headers: { authorization: `Bearer ${this.token}` } }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new NoLabError(this.api, cause?.code ?? cause?.message ?? (error as Error).message);
    }
    if (!response.ok) throw new LabApiError(`GET ${this.api}${path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    return (await response.json()) as T;
  }
}

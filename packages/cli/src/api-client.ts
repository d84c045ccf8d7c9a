import type { ApiErrorBody } from '@acs/api-types';
import { ApiError, VimUnreachableError, type ApiProblem } from './errors';

export const DEFAULT_API = 'http://127.0.0.1:9090';
export const DEFAULT_API_TIMEOUT_MS = 5000;

/** A thin client of the VIM's admin API: HTTP and JSON, no business logic. */
export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined = undefined,
    private readonly timeoutMs = DEFAULT_API_TIMEOUT_MS,
  ) {}

  /** `signal` ends the request early (Ctrl-C while following); the caller checks it before blaming the VIM. */
  async get<T>(path: string, options: { signal?: AbortSignal } = {}): Promise<T> {
    return this.call<T>('GET', path, undefined, this.timeoutMs, options.signal);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', path, body);
  }

  async delete<T>(path: string, timeoutMs?: number): Promise<T> {
    return this.call<T>('DELETE', path, undefined, timeoutMs);
  }

  private async call<T>(method: string, path: string, body?: unknown, timeoutMs = this.timeoutMs, signal?: AbortSignal): Promise<T> {
    const url = new URL(path, this.baseUrl);
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new VimUnreachableError(this.baseUrl, describeFetchError(error, timeoutMs));
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiError(response.status, 'bad-response', `the admin API answered with something other than JSON: ${text.slice(0, 120)}`);
    }
    if (!response.ok) {
      const err = parsed as Partial<ApiErrorBody> | undefined;
      throw new ApiError(response.status, err?.error ?? 'http-error', err?.message ?? response.statusText, problemsOf(err?.problems));
    }
    return parsed as T;
  }
}

/** Keeps only well-formed entries: a malformed error body must not hide the error itself behind a crash. */
function problemsOf(raw: unknown): ApiProblem[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((p: unknown) => {
    const { path, message } = (p ?? {}) as Partial<Record<'path' | 'message', unknown>>;
    return typeof message === 'string' ? [{ path: typeof path === 'string' ? path : '', message }] : [];
  });
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** One admin API call for a benchmark: the parsed JSON answer, or an error naming the call and the VIM's answer. */
export async function apiCall<T>(api: string, method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<T> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

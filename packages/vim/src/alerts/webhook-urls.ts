/**
 * Parses `--alert-webhook`: one or more http(s) URLs, comma-separated. Throws an Error completing
 * "expected …" that names the first bad entry, as the settings parsers do.
 */
export function webhookUrls(raw: string): string[] {
  const entries = raw.split(',').map((s) => s.trim());
  if (entries.length === 0 || entries.some((e) => e.length === 0)) throw new Error('http(s) URLs separated by commas, none empty');
  for (const entry of entries) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new Error(`http(s) URLs separated by commas; ${JSON.stringify(entry)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`http(s) URLs separated by commas; ${JSON.stringify(entry)} is ${url.protocol.replace(/:$/, '')}, not http or https`);
    if (url.username !== '' || url.password !== '') throw new Error(`http(s) URLs without user:password@ (put a token in the path or query instead); ${url.origin} has one`);
  }
  return entries;
}

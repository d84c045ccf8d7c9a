import { UsageError } from './errors';

/**
 * How `set` commands read a value: numbers become numbers and true/false booleans, the rest stays text. Only
 * plain decimals count as numbers, so "1e3", "0x10" or an empty value never turn into one by surprise.
 */
export function scalar(raw: string): string | number | boolean | null {
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw === 'true' || raw === 'false') return raw === 'true';
  // Settings that may be unset (a season) take null.
  if (raw === 'null') return null;
  return raw;
}

/** Splits `key=value` at the first '='; the key must be non-empty, the value may be empty or contain '='. */
export function splitPair(pair: string, example: string): { key: string; raw: string } {
  const at = pair.indexOf('=');
  if (at <= 0) throw new UsageError(`expected key=value, got ${JSON.stringify(pair)} (e.g. ${example})`);
  return { key: pair.slice(0, at), raw: pair.slice(at + 1) };
}

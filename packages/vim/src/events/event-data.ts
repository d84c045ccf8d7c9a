/** An event's data as the JSON text to store, and the error when some of it could not be. */
export interface EncodedData {
  json: string;
  error?: string;
}

/**
 * JSON for an event's data that never throws. When the whole object cannot be serialised (a cycle, a
 * BigInt, a throwing getter or toJSON), each top-level key is tried on its own, so one bad field does
 * not cost the rest of what explains a decision; the dropped keys and the error are stored under
 * `_unserialisable`.
 */
export function encodeEventData(data: Record<string, unknown>): EncodedData {
  let error: string;
  try {
    const json = JSON.stringify(data) as string | undefined;
    // A toJSON that returns undefined, or data that is not an object after all, is not a record.
    if (json !== undefined && json.startsWith('{')) return { json };
    error = 'data is not a JSON object';
  } catch (caught) {
    error = message(caught);
  }
  // No prototype, so a key named __proto__ is kept as data rather than setting one.
  const kept = Object.create(null) as Record<string, unknown>;
  const dropped: string[] = [];
  try {
    for (const key of Object.keys(data)) {
      try {
        const json = JSON.stringify(data[key]) as string | undefined;
        if (json === undefined) continue;
        kept[key] = JSON.parse(json);
      } catch {
        dropped.push(key);
      }
    }
  } catch (caught) {
    // A Proxy or a non-object that will not even list its keys: keep nothing but the reason.
    return { json: JSON.stringify({ _unserialisable: { error: message(caught), droppedKeys: [] } }), error };
  }
  return { json: JSON.stringify({ ...kept, _unserialisable: { error, droppedKeys: dropped } }), error };
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

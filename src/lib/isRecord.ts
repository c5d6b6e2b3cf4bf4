/**
 * Whether parsed data (JSON, a stored record) is a plain object whose fields can be read one by one.
 *
 *   isRecord(JSON.parse('{"a":1}')) // → true;  isRecord([1]) // → false
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Membership in a closed set, for values read from outside (a link, a file, a stored record, a worker):
 * narrows the value to the set's type, or picks a fallback.
 *
 *   isOneOf('q8', ['fp32', 'q8', 'q4'])            // → true, and the value is typed as one of them
 *   oneOf('q9', ['fp32', 'q8', 'q4'], 'fp32')       // → 'fp32'
 */
export function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return isOneOf(value, allowed) ? value : fallback;
}

/**
 * A random id (a version 4 UUID). `crypto.randomUUID` exists only in secure contexts, and a classroom
 * laptop serving the app over plain http on its LAN address is not one (the page went blank there);
 * `crypto.getRandomValues` exists everywhere.
 *
 *   newId() // → '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function newId(): string {
  if (typeof crypto.randomUUID === 'function' && globalThis.isSecureContext !== false)
    return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // the RFC 4122 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

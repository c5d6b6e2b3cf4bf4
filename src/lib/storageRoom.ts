/**
 * What the browser grants this site for storage: used, allowed, and free bytes (null where the browser
 * does not say, or has no storage manager, as in an insecure context).
 *
 *   await storageRoom() // → { usage: 2.1e8, quota: 1.2e11, free: 1.19e11 }
 */
export interface StorageRoom {
  usage: number | null;
  quota: number | null;
  free: number | null;
}

export async function storageRoom(): Promise<StorageRoom> {
  const estimate = await navigator.storage?.estimate();
  const usage = estimate?.usage ?? null;
  const quota = estimate?.quota ?? null;
  return { usage, quota, free: usage !== null && quota !== null ? quota - usage : null };
}

/** Browser downloads of files the app makes on the device. */

const REVOKE_AFTER_MS = 40_000;

/** Offers `content` as a file download named `name`. */
export function downloadText(name: string, content: string | Uint8Array<ArrayBuffer>, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The download reads the blob after the click returns; revoked at once, a busy browser may find nothing
  // there and drop the download (seen under load). The bytes are this file's only, for a while longer.
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

/** Offers `content` as a pretty-printed JSON file download named `name`. */
export function downloadJson(name: string, content: unknown): void {
  downloadText(name, JSON.stringify(content, null, 2), 'application/json');
}

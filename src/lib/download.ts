/** Browser downloads of files the app makes on the device. */

/** Offers `content` as a file download named `name`. */
export function downloadText(name: string, content: string | Uint8Array<ArrayBuffer>, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Offers `content` as a pretty-printed JSON file download named `name`. */
export function downloadJson(name: string, content: unknown): void {
  downloadText(name, JSON.stringify(content, null, 2), 'application/json');
}

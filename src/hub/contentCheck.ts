/**
 * What a downloaded file's bytes say it is, checked before it counts as stored. A static host (or a
 * misconfigured server) answers a missing file with its HTML page and status 200, a host without hashes
 * cannot vouch for what it sent, and a file the app cannot parse would otherwise fail every later load with
 * a runtime's raw message.
 *
 *   await contentProblem('config.json', new Blob(['<!doctype html>…']))
 *   // → 'it is an HTML page, not the file (a host may answer a missing file with a web page)'
 */

const HTML_START = /^\s*<(!doctype html|html|head|body)\b/i;
/** Files whose text may legitimately be HTML. */
const MAY_BE_HTML = /\.(html?|md|txt|jinja)$/i;

async function headText(file: Blob, bytes: number): Promise<string> {
  return new TextDecoder('latin1').decode(await file.slice(0, bytes).arrayBuffer());
}

/** Why `file`, downloaded as `path`, is not what its name says, or null when it looks right. */
export async function contentProblem(path: string, file: Blob): Promise<string | null> {
  if (file.size === 0) return /\.(json|onnx|safetensors)$/i.test(path) ? 'it is empty' : null;
  if (!MAY_BE_HTML.test(path) && HTML_START.test(await headText(file, 512)))
    return 'it is an HTML page, not the file (a host may answer a missing file with a web page)';
  if (/\.json$/i.test(path)) {
    try {
      const value: unknown = JSON.parse(await file.text());
      if (typeof value !== 'object' || value === null) return 'it is JSON, but not an object';
    } catch (error) {
      return `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  if (/\.onnx$/i.test(path)) {
    // A serialized ModelProto starts with field 1, its ir_version, as a varint: the byte 0x08.
    const [first] = new Uint8Array(await file.slice(0, 1).arrayBuffer());
    if (first !== 0x08)
      return 'it does not start like an ONNX model (a ModelProto begins with its IR version)';
  }
  if (/\.safetensors$/i.test(path)) {
    const head = new DataView(await file.slice(0, 9).arrayBuffer());
    const headerLength = head.byteLength >= 8 ? Number(head.getBigUint64(0, true)) : Infinity;
    if (headerLength + 8 > file.size || head.getUint8(8) !== 0x7b)
      return 'it does not start like a safetensors file (an 8-byte header length, then a JSON header)';
  }
  return null;
}

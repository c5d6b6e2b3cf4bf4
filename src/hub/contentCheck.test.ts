import { describe, expect, it } from 'vitest';
import { contentProblem } from './contentCheck.ts';

const onnxStart = new Uint8Array([0x08, 0x08, 0x12, 0x04]);
const safetensors = (() => {
  const header = new TextEncoder().encode('{"a":1}');
  const bytes = new Uint8Array(8 + header.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
  bytes.set(header, 8);
  return bytes;
})();

describe('content checks of downloaded files', () => {
  it.each([
    ['config.json', '{"model_type":"llama"}'],
    ['onnx/model.onnx', onnxStart],
    ['model.safetensors', safetensors],
    ['README.md', '<html>a card may hold HTML</html>'],
    ['onnx/model.onnx_data', '<html>raw weights are not checked beyond HTML pages'.slice(6)],
  ])('accept %s that looks right', async (path, content) => {
    expect(await contentProblem(path, new Blob([content]))).toBeNull();
  });

  it.each([
    ['config.json', '<!DOCTYPE html><title>Not found</title>', 'it is an HTML page'],
    ['onnx/model.onnx', '\n  <html><body>404</body></html>', 'it is an HTML page'],
    ['tokenizer.json', '{"model": {"vocab": ', 'it is not valid JSON'],
    ['config.json', '42', 'it is JSON, but not an object'],
    ['config.json', '', 'it is empty'],
    ['onnx/model.onnx', 'PK\u0003\u0004 a zip archive', 'it does not start like an ONNX model'],
    [
      'model.safetensors',
      new Uint8Array([200, 0, 0, 0, 0, 0, 0, 0, 0x7b]),
      'it does not start like a safetensors',
    ],
  ])('refuse %s that is not what its name says', async (path, content, problem) => {
    expect(await contentProblem(path, new Blob([content]))).toContain(problem);
  });
});

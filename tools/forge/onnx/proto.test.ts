/**
 * ONNX protobuf writing: what we encode decodes back to the same model, onnxruntime accepts it,
 * and models past the 2 GiB protobuf limit can put their weights in an external data file.
 *
 * Run: npx vitest run tools/forge/onnx
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder, float, type OnnxModel } from './graph.ts';
import { decodeModel, encodeModel } from './proto.ts';

function smallModel(): OnnxModel {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['batch_size', 64]);
  const w = g.initializer(
    'w',
    'float32',
    [64, 32],
    Float32Array.from({ length: 64 * 32 }, (_, i) => Math.sin(i)),
  );
  const b = g.initializer(
    'b',
    'float32',
    [32],
    Float32Array.from({ length: 32 }, (_, i) => i / 32),
  );
  const y = g.scope('/layer', () =>
    g.op('LeakyRelu', [g.op('Add', [g.op('MatMul', [x, w]), b])], { alpha: float(0.25) }),
  );
  g.output(y, 'y', 'float32', ['batch_size', 32]);
  return g.toModel({ metadata: { note: 'test' } });
}

const input = (): ort.Tensor =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: 128 }, (_, i) => Math.cos(i)),
    [2, 64],
  );

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('ONNX protobuf encoding', () => {
  it('starts with ir_version as field 1 and decodes back to the same model', () => {
    const model = smallModel();
    const { onnx, externalData } = encodeModel(model);
    expect(externalData).toBeNull();
    expect([...onnx.subarray(0, 2)]).toEqual([0x08, 8]); // field 1 (varint), IR version 8
    const decoded = decodeModel(onnx);
    expect(decoded.graph.nodes).toEqual(model.graph.nodes);
    expect(decoded.graph.inputs).toEqual(model.graph.inputs);
    expect(decoded.graph.outputs).toEqual(model.graph.outputs);
    expect(decoded.graph.initializers.map((t) => [t.name, t.dtype, t.dims, [...t.data]])).toEqual(
      model.graph.initializers.map((t) => [t.name, t.dtype, t.dims, [...t.data]]),
    );
    expect(decoded.metadata).toEqual({ note: 'test' });
    expect(decoded.opsets).toEqual([{ domain: '', version: 17 }]);
  });

  it('names nodes and outputs by scope, as torch exports do', () => {
    const names = smallModel().graph.nodes.map((n) => n.name);
    expect(names).toEqual(['/layer/MatMul', '/layer/Add', '/layer/LeakyRelu']);
  });

  it('moves initializers to an external data file above the size threshold, and onnxruntime loads it', async () => {
    const model = smallModel();
    const folder = mkdtempSync(join(tmpdir(), 'forge-external-'));
    folders.push(folder);
    const inline = encodeModel(model);
    const external = encodeModel(model, { externalThresholdBytes: 0, externalDataFile: 'model.onnx_data' });
    expect(external.externalDataFile).toBe('model.onnx_data');
    expect(external.externalData).not.toBeNull();
    expect(inline.onnx.byteLength).toBeGreaterThan(64 * 32 * 4);
    expect(external.onnx.byteLength).toBeLessThan(1024); // the 8 KiB weight (b is under 1 KiB and stays inline)
    writeFileSync(join(folder, 'model.onnx'), external.onnx);
    writeFileSync(join(folder, 'model.onnx_data'), Buffer.concat([...(external.externalData ?? [])]));

    const fromFile = await ort.InferenceSession.create(join(folder, 'model.onnx'));
    const fromBytes = await ort.InferenceSession.create(inline.onnx);
    const a = (await fromFile.run({ x: input() }))['y']?.data;
    const b = (await fromBytes.run({ x: input() }))['y']?.data;
    expect(a).toEqual(b);
  });

  it('rejects attribute values that would be written with the wrong type', () => {
    const g = new GraphBuilder();
    expect(() => g.op('LeakyRelu', ['x'], { alpha: 0.25 })).toThrow(/wrap floats with float\(\)/);
    expect(() => g.initializer('w', 'float32', [2, 2], new Float32Array(3))).toThrow(/need 16 bytes/);
  });
});

/**
 * ONNX protobuf writing: what we encode decodes back to the same model, onnxruntime accepts it,
 * and models past the 2 GiB protobuf limit can put their weights in an external data file.
 *
 * Run: npx vitest run tools/forge/onnx
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder, float, type OnnxModel } from './graph.ts';
import { decodeModel, encodeModel } from './proto.ts';

/** Each external tensor's data file, read back from the encoded graph. */
function decodeLocations(onnx: Uint8Array): Record<string, string> {
  const root = new protobuf.Root().loadSync(fileURLToPath(new URL('./onnx.proto', import.meta.url)), {
    keepCase: true,
  });
  const type = root.lookupType('onnx.ModelProto');
  const decoded = type.toObject(type.decode(onnx), { arrays: true }) as {
    graph: { initializer: { name: string; external_data: { key: string; value: string }[] }[] };
  };
  return Object.fromEntries(
    decoded.graph.initializer.flatMap((t) => {
      const location = t.external_data.find((e) => e.key === 'location')?.value;
      return location === undefined ? [] : [[t.name, location]];
    }),
  );
}

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

  it('splits external data in order over model.onnx_data, model.onnx_data_1, … (the chunk names Transformers.js asks for), and onnxruntime loads them', async () => {
    // Three weights of 16, 16 and 8 KiB after the graph input, then a bias too small to move.
    const g = new GraphBuilder();
    let y = g.input('x', 'float32', ['batch_size', 64]);
    for (const [i, cols] of [64, 64, 32].entries()) {
      const w = Float32Array.from({ length: 64 * cols }, (_, j) => Math.sin(j + i) / 8);
      y = g.op('MatMul', [y, g.initializer(`w${i}`, 'float32', [64, cols], w)]);
    }
    y = g.op('Add', [y, g.initializer('b', 'float32', [32], new Float32Array(32).fill(0.5))]);
    g.output(y, 'y', 'float32', ['batch_size', 32]);
    const model = g.toModel();

    const split = encodeModel(model, {
      externalThresholdBytes: 0,
      externalDataFile: 'model.onnx_data',
      externalDataFiles: 2,
    });
    expect(split.dataFiles.map((f) => f.file)).toEqual(['model.onnx_data', 'model.onnx_data_1']);
    const locations = decodeLocations(split.onnx);
    expect(locations).toEqual({ w0: 'model.onnx_data', w1: 'model.onnx_data_1', w2: 'model.onnx_data_1' });
    expect(split.externalDataFile).toBe('model.onnx_data');
    expect(split.externalData).toBe(split.dataFiles[0]?.chunks);

    const folder = mkdtempSync(join(tmpdir(), 'forge-shards-'));
    folders.push(folder);
    writeFileSync(join(folder, 'model.onnx'), split.onnx);
    for (const { file, chunks } of split.dataFiles)
      writeFileSync(join(folder, file), Buffer.concat([...chunks]));
    const fromFiles = await ort.InferenceSession.create(join(folder, 'model.onnx'));
    const fromBytes = await ort.InferenceSession.create(encodeModel(model).onnx);
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 128 }, (_, i) => Math.cos(i)),
      [2, 64],
    );
    expect((await fromFiles.run({ x }))['y']?.data).toEqual((await fromBytes.run({ x }))['y']?.data);

    expect(() => encodeModel(model, { externalThresholdBytes: 0, externalDataFiles: 4 })).toThrow(
      /Cannot split 3 external tensors over 4 files/,
    );
  });

  it('rejects attribute values that would be written with the wrong type', () => {
    const g = new GraphBuilder();
    expect(() => g.op('LeakyRelu', ['x'], { alpha: 0.25 })).toThrow(/wrap floats with float\(\)/);
    expect(() => g.initializer('w', 'float32', [2, 2], new Float32Array(3))).toThrow(/need 16 bytes/);
  });
});

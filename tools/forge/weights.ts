/**
 * Deterministic weight tensors: every tensor draws from its own stream, seeded by the model seed
 * and the tensor's name, so a tensor's values never depend on which tensors were made before it
 * (a 2-layer variant of a preset has exactly the first two layers of the full one).
 *
 * @example
 *   const w = normalWeights(7, 'model.layers.0.mlp.up_proj.weight', 64 * 128, 0.125);
 *   // Float32Array(8192) [0.0213…, -0.174…, …]: the same numbers on every machine, every run
 */
import { createRng } from './random.ts';

/** FNV-1a over the name's UTF-16 code units, mixed with the seed: a stable 32-bit stream id. */
export function tensorSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // One round of a murmur-style finaliser so nearby names give unrelated seeds.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}

/** `count` draws from N(mean, std²). */
export function normalWeights(
  seed: number,
  name: string,
  count: number,
  std: number,
  mean = 0,
): Float32Array {
  const rng = createRng(tensorSeed(seed, name));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = mean + std * rng.normal();
  return out;
}

export function constantWeights(count: number, value: number): Float32Array {
  return new Float32Array(count).fill(value);
}

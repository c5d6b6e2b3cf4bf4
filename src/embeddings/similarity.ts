/**
 * Vector math for the embeddings panel, on row-major Float32Array matrices.
 *
 *   cosineMatrix(new Float32Array([1, 0, 0, 1]), 2, 2) // → Float32Array [1, 0, 0, 1]
 */

/** Row `index` of a row-major matrix with `dimensions` columns, without copying. */
export function row(vectors: Float32Array, dimensions: number, index: number): Float32Array {
  return vectors.subarray(index * dimensions, (index + 1) * dimensions);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length)
    throw new Error(`cosine of vectors of different lengths (${a.length} and ${b.length})`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  const denominator = Math.sqrt(normA) * Math.sqrt(normB);
  return denominator === 0 ? 0 : dot / denominator;
}

/** The symmetric `count × count` cosine similarity matrix of `count` row vectors. */
export function cosineMatrix(vectors: Float32Array, count: number, dimensions: number): Float32Array {
  if (vectors.length !== count * dimensions) {
    throw new Error(`expected ${count}×${dimensions} values, got ${vectors.length}`);
  }
  const matrix = new Float32Array(count * count);
  for (let i = 0; i < count; i += 1) {
    const a = row(vectors, dimensions, i);
    for (let j = i; j < count; j += 1) {
      const value = cosine(a, row(vectors, dimensions, j));
      matrix[i * count + j] = value;
      matrix[j * count + i] = value;
    }
  }
  return matrix;
}

/**
 * A reference for PCA that shares nothing with the app's power iteration: the covariance matrix's full
 * eigen-decomposition by cyclic Jacobi rotations, in float64. Test-only (unit and e2e tests).
 *
 *   referencePca(rows, 2) // → coordinates of every row on the two leading principal axes
 */

/** Eigenvalues (descending) and unit eigenvectors of a symmetric matrix. */
export function symmetricEigen(matrix: number[][]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const at = (m: number[][], i: number, j: number) => m[i]?.[j] ?? 0;
  const put = (m: number[][], i: number, j: number, value: number) => {
    const target = m[i];
    if (target) target[j] = value;
  };
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += at(a, p, q) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(at(a, p, q)) < 1e-300) continue;
        const theta = (at(a, q, q) - at(a, p, p)) / (2 * at(a, p, q));
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = at(a, k, p);
          const akq = at(a, k, q);
          put(a, k, p, c * akp - s * akq);
          put(a, k, q, s * akp + c * akq);
        }
        for (let k = 0; k < n; k++) {
          const apk = at(a, p, k);
          const aqk = at(a, q, k);
          put(a, p, k, c * apk - s * aqk);
          put(a, q, k, s * apk + c * aqk);
        }
        for (let k = 0; k < n; k++) {
          const vkp = at(v, k, p);
          const vkq = at(v, k, q);
          put(v, k, p, c * vkp - s * vkq);
          put(v, k, q, s * vkp + c * vkq);
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => at(a, y, y) - at(a, x, x));
  return {
    values: order.map((i) => at(a, i, i)),
    vectors: order.map((i) => Array.from({ length: n }, (_, k) => at(v, k, i))),
  };
}

/** Coordinates of each row on the `components` leading principal axes (signs arbitrary). */
export function referencePca(rows: number[][], components: number): number[][] {
  const count = rows.length;
  const dimensions = rows[0]?.length ?? 0;
  const mean = Array.from(
    { length: dimensions },
    (_, j) => rows.reduce((sum, r) => sum + (r[j] ?? 0), 0) / count,
  );
  const centred = rows.map((r) => r.map((value, j) => value - (mean[j] ?? 0)));
  const covariance = Array.from({ length: dimensions }, (_, i) =>
    Array.from({ length: dimensions }, (_, j) =>
      centred.reduce((sum, r) => sum + (r[i] ?? 0) * (r[j] ?? 0), 0),
    ),
  );
  const { vectors } = symmetricEigen(covariance);
  return centred.map((r) =>
    vectors.slice(0, components).map((axis) => r.reduce((sum, value, j) => sum + value * (axis[j] ?? 0), 0)),
  );
}

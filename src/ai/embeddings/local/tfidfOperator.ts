/**
 * The documents' TF-IDF matrix X = [words | n-grams] as a linear operator for the randomized SVD, kept in
 * factored sparse form (CSR in typed arrays):
 *   X[:, words]  = U                 (docs × word features)
 *   X[:, grams]  = A · G             (docs × word types) · (word types × n-grams)
 * so that X·M and Xᵀ·N cost O((nnz(U) + nnz(A) + nnz(G)) · width) instead of touching every
 * (document, n-gram) pair.
 */
import type { DocFeatures, FeatureSpace } from "./features.js";
import { gatherRows } from "./kernels.js";
import type { LinearOperator } from "./svd.js";

interface Csr {
  rows: number;
  ptr: Int32Array;
  idx: Int32Array;
  val: Float64Array;
}

function csrFrom(rows: { idx: ArrayLike<number>; val: ArrayLike<number> }[]): Csr {
  let nnz = 0;
  for (const r of rows) nnz += r.idx.length;
  const ptr = new Int32Array(rows.length + 1);
  const idx = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  let k = 0;
  rows.forEach((r, i) => {
    for (let j = 0; j < r.idx.length; j++) {
      idx[k] = r.idx[j]!;
      val[k] = r.val[j]!;
      k++;
    }
    ptr[i + 1] = k;
  });
  return { rows: rows.length, ptr, idx, val };
}

/** The transpose of a CSR matrix with `cols` columns (CSR of Mᵀ), so Mᵀ products become row gathers. */
function transpose(m: Csr, cols: number): Csr {
  const ptr = new Int32Array(cols + 1);
  for (let p = 0; p < m.idx.length; p++) ptr[m.idx[p]! + 1]!++;
  for (let c = 0; c < cols; c++) ptr[c + 1]! += ptr[c]!;
  const fill = ptr.slice(0, cols);
  const idx = new Int32Array(m.idx.length);
  const val = new Float64Array(m.idx.length);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.ptr[r]!; p < m.ptr[r + 1]!; p++) {
      const c = m.idx[p]!;
      const k = fill[c]!++;
      idx[k] = r;
      val[k] = m.val[p]!;
    }
  }
  return { rows: cols, ptr, idx, val };
}

export function tfidfOperator(
  space: FeatureSpace,
  docs: readonly DocFeatures[],
): LinearOperator & { nnz: number } {
  const typeIndex = new Map<string, number>();
  const typeRows: { idx: Int32Array; val: Float64Array }[] = [];
  const aRows = docs.map((d) => {
    const idx = new Int32Array(d.types.length);
    d.types.forEach((t, i) => {
      let id = typeIndex.get(t);
      if (id === undefined) {
        id = typeRows.length;
        typeIndex.set(t, id);
        const tg = space.typeGrams(t);
        typeRows.push({ idx: tg.ids, val: tg.weights });
      }
      idx[i] = id;
    });
    return { idx, val: d.typeValues };
  });
  const u = csrFrom(docs.map((d) => ({ idx: d.wordIds, val: d.wordValues })));
  const a = csrFrom(aRows);
  const g = csrFrom(typeRows);
  const wordCols = space.wordCount;
  const cols = wordCols + space.gramCount;
  const ut = transpose(u, wordCols);
  const at = transpose(a, g.rows);
  const gt = transpose(g, space.gramCount);

  return {
    rows: docs.length,
    cols,
    nnz: u.val.length + a.val.length + g.val.length,
    apply(m: Float64Array, width: number): Float64Array {
      // H = G · M[grams]  (types × width), then X·M = U·M[words] + A·H.
      const h = new Float64Array(g.rows * width);
      for (let t = 0; t < g.rows; t++)
        gatherRows(h, t * width, g.idx, g.val, g.ptr[t]!, g.ptr[t + 1]!, m, wordCols, width);
      const out = new Float64Array(docs.length * width);
      for (let d = 0; d < docs.length; d++) {
        const o = d * width;
        gatherRows(out, o, u.idx, u.val, u.ptr[d]!, u.ptr[d + 1]!, m, 0, width);
        gatherRows(out, o, a.idx, a.val, a.ptr[d]!, a.ptr[d + 1]!, h, 0, width);
      }
      return out;
    },
    applyT(n: Float64Array, width: number): Float64Array {
      // Xᵀ·N = [Uᵀ·N ; Gᵀ·(Aᵀ·N)]
      const out = new Float64Array(cols * width);
      for (let f = 0; f < wordCols; f++)
        gatherRows(out, f * width, ut.idx, ut.val, ut.ptr[f]!, ut.ptr[f + 1]!, n, 0, width);
      const r = new Float64Array(g.rows * width);
      for (let t = 0; t < g.rows; t++)
        gatherRows(r, t * width, at.idx, at.val, at.ptr[t]!, at.ptr[t + 1]!, n, 0, width);
      for (let c = 0; c < space.gramCount; c++) {
        gatherRows(out, (wordCols + c) * width, gt.idx, gt.val, gt.ptr[c]!, gt.ptr[c + 1]!, r, 0, width);
      }
      return out;
    },
  };
}

"""A CSR matrix whose rows can be replaced one at a time.

Replacing a row of a CSR matrix in place shifts every later row, a cost that grows with the
whole data set. Here a changed row goes into a small side table instead; products read the
base matrix and then overwrite the changed rows, and the side table is folded back into the
base only when it has grown to a fixed share of the rows (amortised, like a dynamic array).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

COMPACT_SHARE = 0.05
COMPACT_MIN = 256


class PatchedMatrix:
    """Rows x columns, float64, with `set_row` at a cost proportional to the row's length."""

    def __init__(self, base: sparse.csr_matrix) -> None:
        self.base = sparse.csr_matrix(base, dtype=np.float64)
        self.patches: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.base.shape
        return int(rows), int(cols)

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of row i."""
        if i in self.patches:
            return self.patches[i]
        start, end = self.base.indptr[i], self.base.indptr[i + 1]
        return self.base.indices[start:end], self.base.data[start:end]

    def set_row(self, i: int, indices: np.ndarray, values: np.ndarray) -> None:
        keep = values != 0
        self.patches[i] = (np.asarray(indices, dtype=np.int32)[keep], np.asarray(values, float)[keep])
        if len(self.patches) > max(COMPACT_MIN, COMPACT_SHARE * self.shape[0]):
            self.compact()

    def matvec(self, x: np.ndarray) -> np.ndarray:
        """self @ x for a dense vector x."""
        y = self.base @ x
        for i, (indices, values) in self.patches.items():
            y[i] = values @ x[indices]
        return np.asarray(y)

    def matvec_sparse(self, q: sparse.csr_matrix) -> np.ndarray:
        """self @ q.T for a one-row sparse q (a TF-IDF query)."""
        y = np.asarray((self.base @ q.T).todense()).ravel()
        if self.patches:
            dense = np.asarray(q.todense()).ravel()
            for i, (indices, values) in self.patches.items():
                y[i] = values @ dense[indices]
        return y

    def compact(self) -> None:
        """Fold the changed rows into the base matrix (cost: the whole matrix, rarely)."""
        if not self.patches:
            return
        self.base = self.tocsr()
        self.patches = {}

    def tocsr(self) -> sparse.csr_matrix:
        lil = self.base.tolil()
        for i, (indices, values) in self.patches.items():
            lil.rows[i] = list(indices[np.argsort(indices)])
            lil.data[i] = list(values[np.argsort(indices)])
        return lil.tocsr()

    def grow(self, rows: int, cols: int | None = None) -> None:
        """Make room for more rows (and columns), keeping every value."""
        self.compact()
        self.base = sparse.csr_matrix(self.base)
        self.base.resize((rows, cols if cols is not None else self.shape[1]))

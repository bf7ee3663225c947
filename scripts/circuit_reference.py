#!/usr/bin/env python3
"""Reference for `trame bench circuit`: the same grid circuit solved by SciPy (direct) and PyAMG.

Reads a raw little-endian float64 resistance grid (rows × cols), builds the 4-neighbour Laplacian with
average-resistance conductances (g = 2 / (r1 + r2)), injects 1 A at the source cell and grounds the
target cell, and prints JSON: the effective resistance from a direct sparse solve (spsolve) and from
PyAMG smoothed aggregation + CG, with PyAMG's setup + solve time.
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def main():
    path, rows, cols, src, dst = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    r = np.fromfile(path, dtype="<f8").reshape(rows, cols)
    idx = np.arange(rows * cols).reshape(rows, cols)
    gh = 2.0 / (r[:, :-1] + r[:, 1:])
    gv = 2.0 / (r[:-1, :] + r[1:, :])
    i = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    j = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    g = np.concatenate([gh.ravel(), gv.ravel()])
    n = rows * cols
    A = sp.coo_matrix((np.concatenate([-g, -g]), (np.concatenate([i, j]), np.concatenate([j, i]))), shape=(n, n)).tocsr()
    A = A + sp.diags(-np.asarray(A.sum(axis=1)).ravel())
    keep = np.ones(n, dtype=bool)
    keep[dst] = False
    Ag = A[keep][:, keep].tocsr()
    b = np.zeros(n)
    b[src] = 1.0
    bg = b[keep]
    s = src if src < dst else src - 1
    t0 = time.time()
    v = spla.spsolve(Ag.tocsc(), bg)
    direct_time = time.time() - t0
    out = {"direct_resistance": float(v[s]), "direct_seconds": direct_time}
    try:
        import pyamg
        t0 = time.time()
        ml = pyamg.smoothed_aggregation_solver(Ag)
        x = ml.solve(bg, tol=1e-10, accel="cg")
        out["pyamg_seconds"] = time.time() - t0
        out["pyamg_resistance"] = float(x[s])
    except ImportError:
        out["pyamg_seconds"] = None
    print(json.dumps(out))


main()

#!/usr/bin/env python3
"""Reference for the circuit solver tests: pairwise effective resistances by a direct sparse solve (SciPy's splu).

    circuit_direct.py GRID ROWS COLS NEIGHBOURS CONNECTION CELL[,CELL…]

GRID is a raw little-endian float64 conductance grid (rows × cols, NaN or ≤ 0 = removed cell); NEIGHBOURS is 4
or 8; CONNECTION is `resistance` (a branch's conductance is the inverse of the mean of its two cells' resistances,
Circuitscape's connect_using_avg_resistances) or `conductance` (the mean of the two conductances); diagonal
branches are divided by √2. Each focal CELL (row-major index) is a single-cell focal node.

For each pair (a, b) of focal cells in one connected component: the Laplacian of that component with b's row
and column removed (b grounded) is factored by SuperLU, 1 A injected at a, and R = V(a). Prints JSON
{"resistances": [[…]]} (0 on the diagonal, −1 for cells in different components or on removed cells).
"""
import json
import sys

import numpy as np
import scipy.sparse as sp
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as spla


def laplacian(c, rows, cols, neighbours, connection):
    alive = np.isfinite(c) & (c > 0)
    idx = np.arange(rows * cols).reshape(rows, cols)
    # (cells a, cells b, length): right and down; with 8 neighbours the two downward diagonals too.
    pairs = [(idx[:, :-1], idx[:, 1:], 1.0), (idx[:-1, :], idx[1:, :], 1.0)]
    if neighbours == 8:
        pairs += [(idx[:-1, :-1], idx[1:, 1:], np.sqrt(2.0)), (idx[:-1, 1:], idx[1:, :-1], np.sqrt(2.0))]
    I, J, G = [], [], []
    flat, live = c.ravel(), alive.ravel()
    for a, b, length in pairs:
        a, b = a.ravel(), b.ravel()
        ok = live[a] & live[b]
        a, b = a[ok], b[ok]
        ca, cb = flat[a], flat[b]
        g = 2.0 / (1.0 / ca + 1.0 / cb) if connection == "resistance" else (ca + cb) / 2.0
        I.append(a); J.append(b); G.append(g / length)
    I, J, G = np.concatenate(I), np.concatenate(J), np.concatenate(G)
    n = rows * cols
    A = sp.coo_matrix((np.concatenate([-G, -G]), (np.concatenate([I, J]), np.concatenate([J, I]))), shape=(n, n)).tocsr()
    A = A + sp.diags(-np.asarray(A.sum(axis=1)).ravel())
    return A.tocsr(), live


def main():
    path, rows, cols, neighbours, connection = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    focal = [int(s) for s in sys.argv[6].split(",")]
    c = np.fromfile(path, dtype="<f8").reshape(rows, cols)
    A, live = laplacian(c, rows, cols, neighbours, connection)
    _, label = csgraph.connected_components(A, directed=False)
    k = len(focal)
    R = [[0.0 if i == j else -1.0 for j in range(k)] for i in range(k)]
    for j, b in enumerate(focal):
        if not live[b]:
            continue
        members = np.where((label == label[b]) & live)[0]
        keep = members[members != b]
        if len(keep) == 0:
            continue
        position = {int(v): p for p, v in enumerate(keep)}
        lu = spla.splu(A[keep][:, keep].tocsc())
        for i, a in enumerate(focal):
            if i == j or not live[a] or label[a] != label[b]:
                continue
            if a == b:
                R[i][j] = 0.0
                continue
            rhs = np.zeros(len(keep))
            rhs[position[a]] = 1.0
            R[i][j] = float(lu.solve(rhs)[position[a]])
    print(json.dumps({"resistances": R}))


main()

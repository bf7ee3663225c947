"""Brute-force reference for Trame's habitat addition (Graphab's patch addition): every candidate square is
tried as a new reservoir, with its own Dijkstra (scipy) on the 8-neighbour cell graph (a step costs the mean of
the two cells' resistances times its length) and PC from networkx shortest paths (p*ij = exp(-alpha d_ij)).
Prints JSON: the best square's top-left cell, its EC, the second best EC, and the A-B link cost.
Usage: habitat_addition_bruteforce.py landcover.tif friction.csv column habitat_code classes side dispersal prob"""
import json, math, sys
import numpy as np
import networkx as nx
from osgeo import gdal
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra, connected_components

lc_path, friction_path, column, habitat, classes, side, dispersal, prob = sys.argv[1:9]
habitat, side, dispersal, prob = int(habitat), int(side), float(dispersal), float(prob)
classes = {int(c) for c in classes.split(",")}
ds = gdal.Open(lc_path)
lc = ds.GetRasterBand(1).ReadAsArray().astype(int)
cell = ds.GetGeoTransform()[1]
rows, cols = lc.shape
table = {}
with open(friction_path) as f:
    header = f.readline().strip().split(",")
    k = header.index(column)
    for line in f:
        parts = line.strip().split(",")
        table[int(parts[0])] = float(parts[k])
res = np.vectorize(table.get)(lc).astype(float)
alpha = -math.log(prob) / dispersal

def graph(r):
    src, dst, w = [], [], []
    for dr, dc in [(0, 1), (1, 0), (1, 1), (1, -1)]:
        length = cell * (math.sqrt(2) if dr and dc else 1)
        for y in range(rows):
            for x in range(cols):
                y2, x2 = y + dr, x + dc
                if 0 <= y2 < rows and 0 <= x2 < cols:
                    a, b = y * cols + x, y2 * cols + x2
                    c = (r[y, x] + r[y2, x2]) / 2 * length
                    src += [a, b]; dst += [b, a]; w += [c, c]
    return coo_matrix((w, (src, dst)), shape=(rows * cols, rows * cols)).tocsr()

# Reservoirs: 8-connected habitat components.
hab = (lc == habitat)
idx = np.flatnonzero(hab.ravel())
adj = graph(np.ones_like(res))
sub = adj[idx][:, idx]
sub.data[:] = 1
n, lab = connected_components(sub, directed=False)
reservoirs = [idx[lab == k] for k in range(n)]
areas = [len(c) * cell * cell / 1e4 for c in reservoirs]

def costs_from(cells, g):
    d = dijkstra(g, indices=list(cells), min_only=True)
    return [d[c].min() for c in reservoirs]

g0 = graph(res)
ab = costs_from(reservoirs[0], g0)[1]

def ec(extra_area, extra_costs):
    G = nx.Graph()
    nodes = list(range(len(reservoirs))) + ["new"]
    G.add_nodes_from(nodes)
    G.add_edge(0, 1, w=ab)
    for k, c in enumerate(extra_costs):
        if c <= 3 * dispersal:
            G.add_edge("new", k, w=c)
    a = areas + [extra_area]
    d = dict(nx.all_pairs_dijkstra_path_length(G, weight="w"))
    s = 0.0
    for i, u in enumerate(nodes):
        for j, v in enumerate(nodes):
            if v in d[u]:
                s += a[i] * a[j] * math.exp(-alpha * d[u][v])
    return math.sqrt(s)

results = []
for y in range(rows - side + 1):
    for x in range(cols - side + 1):
        block = lc[y:y + side, x:x + side]
        if not all(int(v) in classes for v in block.ravel()):
            continue
        r = res.copy()
        r[y:y + side, x:x + side] = 1.0
        cells = [(y + dy) * cols + x + dx for dy in range(side) for dx in range(side)]
        results.append((ec(side * side * cell * cell / 1e4, costs_from(cells, graph(r))), y, x))
results.sort(reverse=True)
print(json.dumps({"row": results[0][1], "col": results[0][2], "ec": results[0][0], "second": results[1][0], "ab": ab, "candidates": len(results)}))

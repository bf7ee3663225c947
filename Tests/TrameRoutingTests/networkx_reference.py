#!/usr/bin/env python3
"""Independent reference for Trame's routing tests, computed with networkx.

Reads a GeoJSON line layer (as exported by ogr2ogr), builds an undirected graph whose nodes are the
exact vertex coordinates and whose edges are the segments between consecutive vertices, weighted by
their Euclidean length. Then:
  pairs N      -> N node pairs of the largest component and their shortest-path lengths
  mst X,Y ...  -> the total length of the minimum spanning tree over shortest-path distances
                  between the given hub vertices (the complete distance graph)
Prints JSON.
"""
import json
import math
import sys

import networkx as nx


def graph(path):
    g = nx.Graph()
    with open(path) as f:
        data = json.load(f)
    for feat in data["features"]:
        geom = feat["geometry"]
        if geom is None:
            continue
        lines = [geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"]
        for line in lines:
            for a, b in zip(line, line[1:]):
                a, b = tuple(a[:2]), tuple(b[:2])
                if a == b:
                    continue
                w = math.dist(a, b)
                if not g.has_edge(a, b) or g[a][b]["weight"] > w:
                    g.add_edge(a, b, weight=w)
    return g


def main():
    g = graph(sys.argv[1])
    if sys.argv[2] == "pairs":
        n = int(sys.argv[3])
        comp = sorted(max(nx.connected_components(g), key=len))
        out = []
        for k in range(n):
            s = comp[(k * 7919) % len(comp)]
            t = comp[(k * 104729 + len(comp) // 2) % len(comp)]
            out.append({"from": s, "to": t, "length": nx.shortest_path_length(g, s, t, weight="weight")})
        print(json.dumps(out))
    elif sys.argv[2] == "mst":
        given = [tuple(float(v) for v in h.split(",")) for h in sys.argv[3:]]
        nodes = list(g.nodes)
        # Each hub is the graph vertex nearest the coordinates given (they are vertices, up to printing).
        hubs = [min(nodes, key=lambda n: math.dist(n, h)) for h in given]
        k = nx.Graph()
        for i, a in enumerate(hubs):
            dist = nx.single_source_dijkstra_path_length(g, a, weight="weight")
            for j, b in enumerate(hubs):
                if j > i and b in dist:
                    k.add_edge(i, j, weight=dist[b])
        t = nx.minimum_spanning_tree(k)
        print(json.dumps({"total": t.size(weight="weight"), "edges": t.number_of_edges()}))


main()

#!/usr/bin/python3
"""Compares two scheme folders written by `trame run` / `trame demo` (e.g. before and after a refactor).

    scripts/compare_schemes.py [--strict] OLD NEW

Same when: figures.csv is byte-identical; every layer and table of scheme.gpkg has the same fields and
the same features (attributes and geometry as WKT, through GDAL's ogr2ogr); every raster under rasters/
has the same size, CRS, NoData and band checksums (gdalinfo -checksum); the same files exist. The run's
date, duration and the project's path (metadata, report.html) are left out. Prints what differs and exits 1,
or prints a summary and exits 0. Needs GDAL's command-line tools and Python bindings (Debian gdal-bin,
python3-gdal, with Debian's own /usr/bin/python3).

Pinch points (the pinch_points layer and the *_current.tif rasters) are reported as notes, not
differences, unless --strict: before issue 14 two runs of the same binary already differed there
(64 vs 65 pinch points on the tiny sample; hash order seeded per process). The notes compare them as a
set, numbers to 9 significant digits, currents to 1e-9 A.
"""
import csv, io, json, os, subprocess, sys

csv.field_size_limit(1 << 30)   # a large polygon's WKT

def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout

def files(root):
    out = set()
    for d, _, fs in os.walk(root):
        for f in fs:
            rel = os.path.relpath(os.path.join(d, f), root)
            out.add(rel)
    return out

def layers(gpkg):
    """Layer and table names, in order (`ogrinfo -ro -q` lists them as `1: name (geometry)`)."""
    out = []
    for line in run("ogrinfo", "-ro", "-q", gpkg).splitlines():
        head, sep, rest = line.partition(": ")
        if sep and head.strip().isdigit():
            out.append(rest.split(" (")[0].strip())
    return out

def layer_rows(gpkg, name):
    text = run("ogr2ogr", "-f", "CSV", "/vsistdout/", gpkg, name, "-lco", "GEOMETRY=AS_WKT")
    return list(csv.reader(io.StringIO(text)))

def raster_sig(path):
    info = json.loads(run("gdalinfo", "-json", "-checksum", path))
    bands = [(b.get("checksum"), b.get("noDataValue"), b.get("type")) for b in info.get("bands", [])]
    return (tuple(info.get("size", [])), info.get("coordinateSystem", {}).get("wkt", ""), tuple(info.get("geoTransform", [])), tuple(map(str, bands)))

def rounded(row):
    """A row with every number to 9 significant digits (and its WKT's numbers too)."""
    import re
    return [re.sub(r"-?\d+\.\d+(e-?\d+)?", lambda m: "%.9g" % float(m.group(0)), c) for c in row]

def max_difference(a, b):
    from osgeo import gdal
    import numpy
    x = gdal.Open(a).ReadAsArray().astype(numpy.float64)
    y = gdal.Open(b).ReadAsArray().astype(numpy.float64)
    return float(numpy.nanmax(numpy.abs(x - y))) if x.shape == y.shape else float("inf")

def main(old, new, strict=False):
    problems, notes = [], []
    fo, fn = files(old), files(new)
    for f in sorted(fo ^ fn):
        problems.append(f"only in {'OLD' if f in fo else 'NEW'}: {f}")
    if os.path.exists(os.path.join(old, "figures.csv")):
        a = open(os.path.join(old, "figures.csv"), "rb").read(); b = open(os.path.join(new, "figures.csv"), "rb").read()
        if a != b:
            la, lb = a.decode().splitlines(), b.decode().splitlines()
            diff = [(i + 1, x, y) for i, (x, y) in enumerate(zip(la, lb)) if x != y][:5]
            problems.append(f"figures.csv differs ({len(la)} vs {len(lb)} lines); first: {diff}")
    gpkg_o, gpkg_n = os.path.join(old, "scheme.gpkg"), os.path.join(new, "scheme.gpkg")
    nfeat = 0
    if os.path.exists(gpkg_o) and os.path.exists(gpkg_n):
        lo, ln = layers(gpkg_o), layers(gpkg_n)
        if lo != ln:
            problems.append(f"scheme.gpkg layers differ: {lo} vs {ln}")
        for name in [l for l in lo if l in ln]:
            ro, rn = layer_rows(gpkg_o, name), layer_rows(gpkg_n, name)
            if name == "run_parameters":   # paths differ by folder; a generated territory.gpkg holds its date
                keep = lambda r: r and r[0] not in ("project", "land_cover") and not r[0].startswith("input ")
                ro, rn = [r for r in ro if keep(r)], [r for r in rn if keep(r)]
            if name == "layer_styles":     # update_time
                ro, rn = [r[:-1] for r in ro], [r[:-1] for r in rn]
            if name == "pinch_points":
                ro, rn = ro[:1] + sorted(map(rounded, ro[1:])), rn[:1] + sorted(map(rounded, rn[1:]))
                if ro != rn and not strict:
                    notes.append(f"note: pinch_points: {len(ro) - 1} vs {len(rn) - 1} features, {len(set(map(tuple, ro)) & set(map(tuple, rn))) - 1} in common")
                    continue
            nfeat += max(len(ro) - 1, 0)
            if ro != rn:
                if ro[:1] != rn[:1]:
                    problems.append(f"layer {name}: fields differ: {ro[:1]} vs {rn[:1]}")
                else:
                    diff = [(i, x, y) for i, (x, y) in enumerate(zip(ro, rn)) if x != y][:2]
                    problems.append(f"layer {name}: {len(ro) - 1} vs {len(rn) - 1} features; first differences: {diff}"[:600])
    nras = 0
    for f in sorted(fo & fn):
        if f.endswith(".tif"):
            nras += 1
            a, b = raster_sig(os.path.join(old, f)), raster_sig(os.path.join(new, f))
            if a != b and f.endswith("_current.tif") and not strict:
                d = max_difference(os.path.join(old, f), os.path.join(new, f)) if a[:3] == b[:3] else float("inf")
                notes.append(f"note: {f}: largest difference {d:.3g} A")
                continue
            if a != b:
                problems.append(f"raster {f} differs: {a[0]} {a[3]} vs {b[0]} {b[3]}")
    print("\n".join(notes + problems))
    if problems:
        return 1
    print(f"same: {len(fo)} files, figures.csv, {nfeat} rows in the layers and tables of scheme.gpkg, {nras} rasters")
    return 0

if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--strict"]
    if len(args) != 2:
        print(__doc__); sys.exit(2)
    sys.exit(main(args[0], args[1], strict="--strict" in sys.argv))

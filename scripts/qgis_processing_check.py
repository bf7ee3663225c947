#!/usr/bin/python3
"""Runs the Trame Processing provider headless (Debian's python3-qgis) and prints what it did as JSON.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/qgis_processing_check.py TRAME WORKDIR [DEMO_FOLDER]

1. Loads qgis/trame_processing as QGIS would, registers its provider and lists its algorithms.
2. "Cost distance" on a 5 × 1 resistance raster of 10 m cells (1, 1, 10, 10, 1) from the first cell:
   by hand 0, 10, 65, 165, 220 (the mean of two cells' resistances × 10 m between their centres).
3. "Build the scheme" on DEMO_FOLDER/project.toml (a tiny `trame demo`), into WORKDIR/scheme: the layers
   of scheme.gpkg are handed to QGIS to load.
4. An error of trame (a missing file) comes back as a Processing error with trame's own line.
"""
import json
import os
import sys

sys.path.insert(0, "/usr/share/qgis/python/plugins")
# The plugin as installed from its zip (TRAME_PLUGIN_DIR holds trame_processing/), else the repository's.
sys.path.insert(0, os.environ.get("TRAME_PLUGIN_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "qgis"))

from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback  # noqa: E402

trame, work = sys.argv[1], sys.argv[2]
demo = sys.argv[3] if len(sys.argv) > 3 else None
os.environ["TRAME_EXECUTABLE"] = trame

app = QgsApplication([], False)
app.initQgis()
from processing.core.Processing import Processing  # noqa: E402
Processing.initialize()
import processing  # noqa: E402
from trame_processing.provider import TrameProvider  # noqa: E402
from osgeo import gdal, osr  # noqa: E402

provider = TrameProvider()
QgsApplication.processingRegistry().addProvider(provider)
report = {"algorithms": sorted(a.id() for a in provider.algorithms())}

# A 5 × 1 resistance raster in Lambert-93 and a source raster marking its first cell.
srs = osr.SpatialReference()
srs.ImportFromEPSG(2154)
for name, values in [("res.tif", [1, 1, 10, 10, 1]), ("src.tif", [1, 0, 0, 0, 0])]:
    ds = gdal.GetDriverByName("GTiff").Create(os.path.join(work, name), 5, 1, 1, gdal.GDT_Float32)
    ds.SetGeoTransform([700000, 10, 0, 7000010, 0, -10])
    ds.SetProjection(srs.ExportToWkt())
    ds.GetRasterBand(1).WriteArray(__import__("numpy").array([values], dtype="float32"))
    ds = None
out = os.path.join(work, "cd.tif")
result = processing.run("trame:costdistance", {"RESISTANCE": os.path.join(work, "res.tif"), "SOURCES": os.path.join(work, "src.tif"), "OUTPUT": out})
ds = gdal.Open(result["OUTPUT"])
report["costdistance"] = [float(v) for v in ds.GetRasterBand(1).ReadAsArray()[0]]
ds = None

if demo:
    context = QgsProcessingContext()
    feedback = QgsProcessingFeedback()
    folder = os.path.join(work, "scheme")
    result = processing.run("trame:run", {"PROJECT": os.path.join(demo, "project.toml"), "OUT": folder, "LANG": 0}, context=context, feedback=feedback)
    report["run_out"] = result.get("OUT")
    report["run_files"] = sorted(os.listdir(folder))
    report["run_layers"] = sorted(d.name for d in context.layersToLoadOnCompletion().values())

try:
    processing.run("trame:costdistance", {"RESISTANCE": os.path.join(work, "res.tif"), "SOURCES": os.path.join(work, "missing.tif"), "OUTPUT": os.path.join(work, "x.tif")})
    report["error"] = None
except Exception as e:  # QgsProcessingException
    report["error"] = str(e)

print(json.dumps(report))
app.exitQgis()

#!/usr/bin/python3
"""Opens the QGIS project that `trame run` stores in scheme.gpkg, headless, with Debian's python3-qgis, and
prints what QGIS made of it as one JSON object on stdout (the Swift test SchemeRunQGISTests asserts on it).

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/qgis_project_check.py OUT/scheme.gpkg [--png map.png]

It reports: the projects stored in the GeoPackage (table qgis_projects), whether QGIS read the first one, the
project's CRS and the view extent, the layer tree (groups and their layers), every layer (valid or not, its
source as QGIS resolved it, its renderer, its class labels or colour-ramp stops), the number of distinct
colours of each raster layer rendered alone, and the number of distinct colours of the whole map rendered
with the layers checked in the tree (written to --png when given). Each raster beside the project is also
opened on its own, as a user dragging it into QGIS would, to report the style QGIS loads from its .qml.
Exits 2 with one line on stderr when python3-qgis is missing.
"""
import json
import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
try:
    from qgis.core import (QgsApplication, QgsLayerTreeGroup, QgsLayerTreeLayer, QgsMapLayerType, QgsMapRendererParallelJob,
                           QgsMapSettings, QgsProject, QgsRasterLayer, QgsRectangle)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QImage
except ImportError as e:
    sys.stderr.write("qgis_project_check: python3-qgis is missing (apt-get install python3-qgis): %s\n" % e)
    sys.exit(2)


def distinct_colours(image):
    """Distinct ARGB values of an image (a set of ints); pixels sampled on a grid of at most 400 × 400."""
    image = image.convertToFormat(QImage.Format_ARGB32)
    w, h = image.width(), image.height()
    step = max(1, max(w, h) // 400)
    seen = set()
    for y in range(0, h, step):
        for x in range(0, w, step):
            seen.add(image.pixel(x, y))
    return seen


def render(layers, extent, crs, width):
    """The layers (top first) rendered over white into an image `width` pixels wide."""
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setBackgroundColor(QColor(255, 255, 255))
    height = max(1, int(round(width * extent.height() / max(extent.width(), 1e-9))))
    settings.setOutputSize(QSize(width, height))
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage()


def renderer_facts(layer):
    """Renderer type and its classes: labels of a paletted raster, stops of a pseudocolor ramp, categories of a vector."""
    out = {}
    if layer.type() == QgsMapLayerType.RasterLayer:
        r = layer.renderer()
        out["renderer"] = r.type() if r else None
        if r and r.type() == "paletted":
            out["classes"] = [{"value": c.value, "label": c.label, "colour": c.color.name()} for c in r.classes()]
        elif r and r.type() == "singlebandpseudocolor":
            shader = r.shader().rasterShaderFunction()
            out["min"] = shader.minimumValue()
            out["max"] = shader.maximumValue()
            out["stops"] = [{"value": i.value, "label": i.label, "colour": i.color.name(), "alpha": i.color.alpha()}
                            for i in shader.colorRampItemList()]
    else:
        r = layer.renderer()
        out["renderer"] = r.type() if r else None
        if r and r.type() == "categorizedSymbol":
            out["classes"] = [{"value": str(c.value()), "label": c.label()} for c in r.categories()]
        out["features"] = layer.featureCount()
        out["subset"] = layer.subsetString()
    return out


def tree(group):
    """The layer tree below `group`: groups with their layers, in the tree's order."""
    items = []
    for child in group.children():
        if isinstance(child, QgsLayerTreeGroup):
            items.append({"group": child.name(), "checked": child.isVisible(), "children": tree(child)})
        elif isinstance(child, QgsLayerTreeLayer):
            items.append({"layer": child.name(), "checked": child.isVisible()})
    return items


def main():
    args = sys.argv[1:]
    png = None
    if "--png" in args:
        k = args.index("--png")
        png = args[k + 1]
        del args[k:k + 2]
    if len(args) != 1:
        sys.stderr.write("usage: qgis_project_check.py scheme.gpkg [--png map.png]\n")
        return 2
    gpkg = os.path.abspath(args[0])
    with sqlite3.connect("file:%s?mode=ro" % gpkg, uri=True) as db:
        has_table = db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'qgis_projects'").fetchone()[0] == 1
        names = [r[0] for r in db.execute("SELECT name FROM qgis_projects ORDER BY name")] if has_table else []
    result = {"qgis": QgsApplication.QGIS_VERSION if hasattr(QgsApplication, "QGIS_VERSION") else "", "projects": names}
    app = QgsApplication([], False)
    app.initQgis()
    try:
        from qgis.core import Qgis
        result["qgis"] = Qgis.QGIS_VERSION
        if not names:
            result["read"] = False
            print(json.dumps(result))
            return 0
        project = QgsProject.instance()
        uri = "geopackage:%s?projectName=%s" % (gpkg, names[0])
        result["read"] = bool(project.read(uri))
        result["title"] = project.title()
        result["crs"] = project.crs().authid()
        view = project.viewSettings().defaultViewExtent()
        result["viewExtent"] = [view.xMinimum(), view.yMinimum(), view.xMaximum(), view.yMaximum()]
        root = project.layerTreeRoot()
        result["tree"] = tree(root)
        layers = []
        for node in root.findLayers():
            layer = node.layer()
            facts = {"name": node.name(), "id": node.layerId(), "valid": bool(layer and layer.isValid())}
            if layer is not None:
                facts["type"] = "raster" if layer.type() == QgsMapLayerType.RasterLayer else "vector"
                facts["source"] = layer.source()
                facts["crs"] = layer.crs().authid()
                facts.update(renderer_facts(layer))
                if facts["type"] == "raster" and facts["valid"]:
                    facts["colours"] = len(distinct_colours(render([layer], layer.extent(), project.crs(), 400)))
            layers.append(facts)
        result["layers"] = layers
        extent = QgsRectangle(*result["viewExtent"]) if view.width() > 0 else root.layerOrder()[0].extent()
        image = render(root.checkedLayers(), extent, project.crs(), 1200)
        colours = distinct_colours(image)
        white = QColor(255, 255, 255).rgba()
        result["render"] = {"width": image.width(), "height": image.height(), "colours": len(colours),
                            "blank": colours <= {white}}
        if png:
            image.save(png)
        # Each raster opened on its own: QGIS loads the .qml beside it.
        standalone = []
        folder = os.path.dirname(gpkg)
        rasters = os.path.join(folder, "rasters")
        for name in sorted(os.listdir(rasters)) if os.path.isdir(rasters) else []:
            if not name.endswith(".tif"):
                continue
            layer = QgsRasterLayer(os.path.join(rasters, name), name)
            facts = {"file": "rasters/" + name, "valid": layer.isValid(), "qml": os.path.exists(os.path.join(rasters, name[:-4] + ".qml"))}
            facts.update(renderer_facts(layer))
            standalone.append(facts)
        result["standalone"] = standalone
        print(json.dumps(result, ensure_ascii=False))
        return 0
    finally:
        QgsProject.instance().clear()


if __name__ == "__main__":
    code = main()
    # PyQGIS may crash while Python tears QGIS's objects down: leave at once, the report already printed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

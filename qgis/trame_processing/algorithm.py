"""A Processing algorithm for one `trame` subcommand, its parameters read from the command's own help.

`trame SUB --experimental-dump-help` (swift-argument-parser) gives every option with its name, help,
default, allowed values and whether it is optional; ALGORITHMS says only what the help cannot: the
algorithm's title, which options are input layers and which are outputs (and of what kind).
Progress comes from `--verbose`, which prints each step on stderr ("[  1.2 s] reading the land cover");
an error is Trame's one line on stderr ("trame: FILE: problem"), raised as a QgsProcessingException.
"""
import json
import os
import re
import shutil
import subprocess

from qgis.core import (
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingParameterVectorLayer,
    QgsProcessingContext,
    QgsProject,
    QgsVectorLayer,
)

# title, group, inputs {option: 'raster' | 'vector' | 'file'}, outputs {option: kind}; an output kind is
# 'raster', 'vector', 'file:<filter>' or 'folder'. Options not named here are plain values (text).
ALGORITHMS = {
    "run": {"title": "Build the scheme", "group": "Scheme",
            "inputs": {"project": "file:TOML project (*.toml)"}, "outputs": {"out": "folder"}},
    "costdistance": {"title": "Cost distance", "group": "Ecological network",
                     "inputs": {"resistance": "raster", "sources": "file"},
                     "outputs": {"output": "raster", "allocation": "raster", "direction": "raster"}},
    "links": {"title": "Least-cost links", "group": "Ecological network",
              "inputs": {"resistance": "raster", "patches": "raster"}, "outputs": {"output": "vector"}},
    "metrics": {"title": "Connectivity metrics", "group": "Connectivity",
                "inputs": {"nodes": "file", "edges": "file", "patches": "vector", "links": "vector"},
                "outputs": {"output": "file:CSV (*.csv)", "global": "file:JSON (*.json)"}},
    "circuit": {"title": "Circuit (pairwise)", "group": "Connectivity",
                "inputs": {"ini": "file", "resistance": "raster", "focal": "file"}, "outputs": {"out-dir": "folder", "output": "file:Prefix (*)"}},
    "route": {"title": "Route", "group": "Itineraries",
              "inputs": {"network": "file", "green": "file", "profile": "file"}, "outputs": {"output": "vector"}},
    "loop": {"title": "Loop", "group": "Itineraries",
             "inputs": {"network": "file", "green": "file", "profile": "file"}, "outputs": {"output": "vector"}},
}

# Options every command has that a Processing dialog does not show.
HIDDEN = {"help", "version", "quiet", "verbose", "json", "experimental-dump-help"}


def trame_executable():
    """The `trame` to call: $TRAME_EXECUTABLE, else the one on PATH, else /usr/bin/trame."""
    exe = os.environ.get("TRAME_EXECUTABLE") or shutil.which("trame") or "/usr/bin/trame"
    return exe


def command_help(exe, command):
    """The subcommand's arguments, as argument-parser dumps them; [] when trame cannot be run."""
    try:
        out = subprocess.run([exe, command, "--experimental-dump-help"], capture_output=True, text=True, timeout=60, check=True).stdout
        return json.loads(out)["command"].get("arguments", [])
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        return []


def param_name(option):
    """A Processing parameter name from an option name: max-cost → MAX_COST."""
    return option.replace("-", "_").upper()


class TrameAlgorithm(QgsProcessingAlgorithm):
    def __init__(self, command, spec, arguments):
        super().__init__()
        self.command = command
        self.spec = spec
        self.arguments = [a for a in arguments if (a.get("preferredName") or {}).get("name", a.get("valueName")) not in HIDDEN]

    def createInstance(self):  # noqa: N802
        return TrameAlgorithm(self.command, self.spec, self.arguments)

    def name(self):
        return self.command

    def displayName(self):  # noqa: N802
        return self.spec["title"]

    def group(self):
        return self.spec["group"]

    def groupId(self):  # noqa: N802
        return self.spec["group"].lower().replace(" ", "_")

    def shortHelpString(self):  # noqa: N802
        return "Runs `trame {}`; see `trame {} --help` for the method and units.".format(self.command, self.command)

    @staticmethod
    def option(arg):
        return (arg.get("preferredName") or {}).get("name") or arg.get("valueName")

    def initAlgorithm(self, config=None):  # noqa: N802
        for arg in self.arguments:
            opt = self.option(arg)
            name, label = param_name(opt), "{} — {}".format(opt, arg.get("abstract", ""))
            optional = bool(arg.get("isOptional"))
            default = arg.get("defaultValue")
            kind = self.spec["inputs"].get(opt)
            out = self.spec["outputs"].get(opt)
            if arg["kind"] == "flag":
                p = QgsProcessingParameterBoolean(name, label, defaultValue=False)
            elif out == "raster":
                p = QgsProcessingParameterRasterDestination(name, label, optional=optional)
            elif out == "vector":
                p = QgsProcessingParameterVectorDestination(name, label, optional=optional)
            elif out == "folder":
                p = QgsProcessingParameterFolderDestination(name, label, optional=optional)
            elif out and out.startswith("file:"):
                p = QgsProcessingParameterFileDestination(name, label, fileFilter=out[5:], optional=optional)
            elif kind == "raster":
                p = QgsProcessingParameterRasterLayer(name, label, optional=optional)
            elif kind == "vector":
                p = QgsProcessingParameterVectorLayer(name, label, [QgsProcessing.TypeVectorAnyGeometry], optional=optional)
            elif kind and kind.startswith("file"):
                extension_filter = kind[5:] if kind.startswith("file:") else ""
                p = QgsProcessingParameterFile(name, label, fileFilter=extension_filter, optional=optional)
            elif arg.get("allValues"):
                values = arg["allValues"]
                p = QgsProcessingParameterEnum(name, label, options=values, optional=optional,
                                               defaultValue=values.index(default) if default in values else None)
            else:
                p = QgsProcessingParameterString(name, label, defaultValue=default, optional=optional)
            self.addParameter(p)

    def arguments_for(self, parameters, context):
        """The command line, from the dialog's values."""
        argv = [trame_executable(), self.command]
        outputs = {}
        for arg in self.arguments:
            opt = self.option(arg)
            name = param_name(opt)
            kind = self.spec["inputs"].get(opt)
            out = self.spec["outputs"].get(opt)
            if arg["kind"] == "flag":
                if self.parameterAsBool(parameters, name, context):
                    argv.append("--" + opt)
                continue
            if out == "raster":
                value = self.parameterAsOutputLayer(parameters, name, context)
            elif out == "vector":
                value = self.parameterAsOutputLayer(parameters, name, context)
            elif out in ("folder",) or (out or "").startswith("file:"):
                value = self.parameterAsFileOutput(parameters, name, context)
            elif kind == "raster":
                layer = self.parameterAsRasterLayer(parameters, name, context)
                value = layer.source() if layer else None
            elif kind == "vector":
                layer = self.parameterAsVectorLayer(parameters, name, context)
                value = layer.source().split("|")[0] if layer else None
            elif kind:
                value = self.parameterAsFile(parameters, name, context)
            elif arg.get("allValues"):
                if parameters.get(name) is None:
                    continue
                value = arg["allValues"][self.parameterAsEnum(parameters, name, context)]
            else:
                value = self.parameterAsString(parameters, name, context)
            if value in (None, ""):
                continue
            if out:
                outputs[name] = value
            if arg["kind"] == "positional":
                argv.append(value)
            else:
                argv += ["--" + opt, value]
        return argv, outputs

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        argv, outputs = self.arguments_for(parameters, context)
        feedback.pushCommandInfo(" ".join(argv))
        proc = subprocess.Popen(argv + ["--verbose"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        error = None
        step = re.compile(r"^\[\s*([\d.]+) s\] (.*)$")
        for line in proc.stderr:
            line = line.rstrip("\n")
            m = step.match(line)
            if m:
                feedback.setProgressText(m.group(2))
            elif line.startswith("trame: warning:") or line.startswith("gdal: warning:"):
                feedback.pushWarning(line)
            elif line.startswith("trame: "):
                error = line[len("trame: "):]
            elif line:
                feedback.pushInfo(line)
            if feedback.isCanceled():
                proc.terminate()
                break
        stdout = proc.stdout.read()
        status = proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        if stdout.strip():
            feedback.pushInfo(stdout.strip())
        if feedback.isCanceled():
            return {}
        if status != 0:
            raise QgsProcessingException(error or "trame {} failed (exit status {})".format(self.command, status))
        if self.command == "run":
            self.load_scheme(outputs.get("OUT"), context)
        return outputs

    def load_scheme(self, folder, context):
        """After a run: every layer of scheme.gpkg, loaded with the styles it carries."""
        if not folder:
            return
        gpkg = os.path.join(folder, "scheme.gpkg")
        probe = QgsVectorLayer(gpkg, "scheme", "ogr")
        for sub in probe.dataProvider().subLayers():
            parts = sub.split("!!::!!")   # QgsDataProvider.SUBLAYER_SEPARATOR: index, name, count, geometry
            layer_name = parts[1] if len(parts) > 1 else None
            if not layer_name or layer_name in ("figures", "run_parameters", "layer_styles"):
                continue
            context.addLayerToLoadOnCompletion(
                "{}|layername={}".format(gpkg, layer_name),
                QgsProcessingContext.LayerDetails(layer_name, context.project() or QgsProject.instance(), layer_name))

#!/usr/bin/env bash
# Packages the QGIS Processing provider (qgis/trame_processing) as a plugin zip that QGIS installs
# from "Plugins > Manage and Install Plugins > Install from ZIP": dist/trame_processing-VERSION.zip.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version=//p' qgis/trame_processing/metadata.txt)
mkdir -p dist
out="dist/trame_processing-$version.zip"
rm -f "$out"
python3 - "$out" <<'PY'
import os, sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk("qgis/trame_processing"):
        for f in sorted(files):
            if f.endswith((".pyc",)) or "__pycache__" in root:
                continue
            path = os.path.join(root, f)
            z.write(path, os.path.relpath(path, "qgis"))
print(out)
PY

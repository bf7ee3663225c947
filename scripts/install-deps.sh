#!/usr/bin/env bash
# Installs the system packages Trame needs on Debian (GDAL and its tools, Cairo, SuiteSparse (CHOLMOD), the DejaVu fonts maps are lettered
# with, Leaflet for `trame serve`, and for the tests Chromium + Selenium, networkx, SciPy, python3-qgis (QGIS headless); wrk for the serve
# benchmark; poppler-utils to read the atlas back in the tests); quiet when they are already there.
set -euo pipefail
need=()
for p in libgdal-dev gdal-bin libcairo2-dev libsuitesparse-dev fonts-dejavu-core python3-networkx python3-scipy libjs-leaflet chromium chromium-driver python3-selenium wrk poppler-utils python3-qgis slurm-wlm munge; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

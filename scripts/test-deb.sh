#!/usr/bin/env bash
# Installs dist/trame_*.deb (scripts/package-deb.sh) with dpkg on this machine, runs the installed trame
# from an empty folder far from the checkout (no build folder in reach), and removes it again:
#   - the binary links no Swift runtime library (ldd), only Debian's;
#   - `trame demo --size tiny` builds the sample scheme;
#   - `trame serve` serves the page and the API (curl), its web files from /usr/share/trame;
#   - man pages and completions are where man and the shells look.
# Needs root (dpkg -i); apt-get installs what the package depends on. Not run in CI (the static release
# build alone takes about 10 minutes on 2 cores): run it before a release.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(ls -t dist/trame_*_"$(dpkg --print-architecture)".deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "test-deb.sh: no dist/trame_*.deb; run scripts/package-deb.sh first" >&2; exit 1; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
fail() { echo "test-deb.sh: FAILED: $*" >&2; exit 1; }

$SUDO apt-get install -y -qq "./$deb" >/dev/null || { $SUDO dpkg -i "$deb"; }
trap '$SUDO dpkg -r trame >/dev/null 2>&1 || true; kill "${serve_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
work=$(mktemp -d /var/tmp/trame-deb-XXXXXX)
cd "$work"

[ "$(command -v trame)" = /usr/bin/trame ] || fail "trame is not /usr/bin/trame"
if ldd /usr/bin/trame | grep -q 'libswift\|libFoundation'; then fail "the installed binary links a Swift runtime library"; fi
trame --version
trame demo --size tiny --out "$work/demo" --quiet || fail "trame demo"
for f in scheme.gpkg report.html atlas.pdf map.png figures.csv; do [ -s "$work/demo/scheme/$f" ] || fail "demo wrote no $f"; done

trame serve "$work/demo/scheme" --port 18757 --quiet > "$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 60); do curl -sf -o /dev/null http://127.0.0.1:18757/ && break; sleep 0.5; done
curl -sf http://127.0.0.1:18757/ | grep -q '<html' || { cat "$work/serve.log"; fail "serve: no page"; }
curl -sf http://127.0.0.1:18757/api/layers | grep -q '"reservoirs"' || fail "serve: no layer list"
curl -sf http://127.0.0.1:18757/app.js | grep -q 'WORDS' || fail "serve: no app.js from /usr/share/trame"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true

[ -f /usr/share/man/man1/trame.1.gz ] && [ -f /usr/share/man/man1/trame-costdistance.1.gz ] || fail "man pages"
zcat /usr/share/man/man1/trame-run.1.gz | grep -q '^\.SH OPTIONS' || fail "trame-run(1) has no OPTIONS"
[ -s /usr/share/bash-completion/completions/trame ] && [ -s /usr/share/zsh/vendor-completions/_trame ] && [ -s /usr/share/fish/vendor_completions.d/trame.fish ] || fail "completions"
grep -q 'costdistance' /usr/share/bash-completion/completions/trame || fail "bash completion lacks the subcommands"
echo "test-deb.sh: $deb installs, runs demo and serve, ships man pages and completions"

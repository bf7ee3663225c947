#!/usr/bin/env bash
# Builds dist/trame_VERSION_amd64.deb: a release build with the Swift runtime linked in
# (--static-swift-stdlib, in .build-deb), depending only on Debian's own packages.
#
# Installs: /usr/bin/trame; /usr/share/trame/{Web,Passwords} (the web page and the password list, found
# there by `trame serve`); man pages trame(1) and trame-SUB(1) generated from the argument parser's own
# description (scripts/manpages.py); bash, zsh and fish completions (argument-parser's
# --generate-completion-script); /usr/share/doc/trame (README, copyright).
# Depends: the Debian packages of the shared libraries the binary links (found with ldd and dpkg -S),
# fonts-dejavu-core (maps) and libjs-leaflet (the web page).
#
#   scripts/package-deb.sh            build and package
#   scripts/package-deb.sh --no-build package the binary already in .build-deb/release
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--no-build" ]; then
  swift build -c release --static-swift-stdlib --build-path .build-deb --product trame
fi
bin=.build-deb/release/trame
[ -x "$bin" ] || { echo "package-deb.sh: $bin is not built" >&2; exit 1; }
version=$("$bin" --version)
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

install -D -m 0755 "$bin" "$stage/usr/bin/trame"
strip --strip-unneeded "$stage/usr/bin/trame"
mkdir -p "$stage/usr/share/trame"
cp -r .build-deb/release/Trame_TrameServer.resources/Web .build-deb/release/Trame_TrameServer.resources/Passwords "$stage/usr/share/trame/"

mkdir -p "$stage/usr/share/man/man1"
python3 scripts/manpages.py "$stage/usr/bin/trame" "$stage/usr/share/man/man1" >/dev/null
gzip -9n "$stage"/usr/share/man/man1/*.1

install -d "$stage/usr/share/bash-completion/completions" "$stage/usr/share/zsh/vendor-completions" "$stage/usr/share/fish/vendor_completions.d"
"$stage/usr/bin/trame" --generate-completion-script bash > "$stage/usr/share/bash-completion/completions/trame"
"$stage/usr/bin/trame" --generate-completion-script zsh > "$stage/usr/share/zsh/vendor-completions/_trame"
"$stage/usr/bin/trame" --generate-completion-script fish > "$stage/usr/share/fish/vendor_completions.d/trame.fish"

install -D -m 0644 README.md "$stage/usr/share/doc/trame/README.md"
cat > "$stage/usr/share/doc/trame/copyright" <<'EOF'
Trame: the green and blue infrastructure toolkit (Trame verte et bleue).
The list of common passwords in /usr/share/trame/Passwords is derived from zxcvbn's frequency lists (MIT);
see the NOTICE beside it.
EOF

# Runtime dependencies: the packages owning the shared libraries the binary itself names (NEEDED; theirs
# come with them), located as the loader finds them (ldd).
needed=$(objdump -p "$stage/usr/bin/trame" | awk '/NEEDED/{print $2}')
deps=$(for n in $needed; do
  lib=$(ldd "$stage/usr/bin/trame" | awk -v n="$n" '$1 == n && $3 ~ /^\// {print $3}')
  [ -n "$lib" ] || continue
  dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true
done | cut -d: -f1 | sort -u | grep -v '^libc6$' || true)
depends="libc6"
for p in $deps fonts-dejavu-core libjs-leaflet; do
  v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
  if [ -n "$v" ] && [ "$p" != fonts-dejavu-core ] && [ "$p" != libjs-leaflet ]; then
    depends="$depends, $p (>= ${v%%-*})"
  else
    depends="$depends, $p"
  fi
done

size=$(du -sk "$stage" | cut -f1)
mkdir -p "$stage/DEBIAN"
cat > "$stage/DEBIAN/control" <<EOF
Package: trame
Version: $version
Architecture: $arch
Maintainer: Trame <trame@example.org>
Installed-Size: $size
Depends: $depends
Section: science
Priority: optional
Homepage: https://example.org/trame
Description: green and blue infrastructure (Trame verte et bleue) of a territory
 Builds, analyses and publishes a territory's ecological network: reservoirs,
 least-cost links and corridors per sub-network, connectivity metrics (PC, EC,
 dPC), buffer zones, conflict points, circuit theory, walking and cycling
 itineraries; GeoTIFF and GeoPackage in and out, a QGIS project, maps, an atlas
 and a report in French or English, and a web map (trame serve).
EOF
mkdir -p dist
out="dist/trame_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$out" >/dev/null
echo "$out"

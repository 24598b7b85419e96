#!/usr/bin/env bash
# Vendor the dashboard's browser libraries from npm into static/vendor/ (maintainer script).
#
# Installs the exact versions pinned in package.json in a temporary directory (node_modules never
# lands under src/), then copies only the distributed files and each library's LICENSE.
# Usage: src/yrd/web/build_assets.sh        (needs node + npm and access to the npm registry)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENDOR="$HERE/static/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cp "$HERE/package.json" "$WORK/"
[ -f "$HERE/package-lock.json" ] && cp "$HERE/package-lock.json" "$WORK/"
cd "$WORK"
if [ -f package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
else
  npm install --ignore-scripts --no-audit --no-fund --save-exact
  cp package-lock.json "$HERE/package-lock.json"   # pin the full tree for the next run
fi

NM="$WORK/node_modules"
copy() {  # copy <package> <dest-subdir> <file>...  (paths relative to the package)
  local pkg="$1" dest="$VENDOR/$2"; shift 2
  rm -rf "$dest"; mkdir -p "$dest"
  for f in "$@"; do
    mkdir -p "$dest/$(dirname "$f")"
    cp "$NM/$pkg/$f" "$dest/$f"
  done
  for lic in LICENSE LICENSE.md LICENSE.txt; do
    [ -f "$NM/$pkg/$lic" ] && cp "$NM/$pkg/$lic" "$dest/LICENSE"
  done
  [ -f "$dest/LICENSE" ] || { echo "no LICENSE in $pkg" >&2; exit 1; }
  echo "$pkg $(node -p "require('$NM/$pkg/package.json').version") -> ${dest#$HERE/}"
}

copy leaflet leaflet dist/leaflet.js dist/leaflet.css \
  dist/images/layers.png dist/images/layers-2x.png \
  dist/images/marker-icon.png dist/images/marker-icon-2x.png dist/images/marker-shadow.png
copy cytoscape cytoscape dist/cytoscape.min.js
copy plotly.js-basic-dist-min plotly plotly-basic.min.js
# the API docs at /docs (OpenAPI 3.1); the bundle's own third-party notices and Apache-2.0's NOTICE go along
copy swagger-ui-dist swagger-ui swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css NOTICE

du -sh "$VENDOR"/*

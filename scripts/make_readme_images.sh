#!/usr/bin/env bash
# Remake the pictures in README.md from the bundled scenario (run from the repository root).
set -euo pipefail
out=docs/images
mkdir -p "$out"
for date in 2014-12 2015-12 2016-12 2017-11; do
  geomap render --date "$date" --size 1200x900 --dpi 110 --out "$out" --force
done
geomap compare 2015-01 2017-11 --size 2400x1080 --dpi 120 --out "$out" --force
geomap chart --from 2014-06 --to 2017-11 --out "$out/isis-area-2014-06-to-2017-11.png" --force
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
geomap batch --from 2015-01 --to 2017-11 --every month --size 720x540 --dpi 66 --out "$tmp" \
  --animate gif --frame-duration 0.5 --quiet > /dev/null
cp "$tmp"/geomap-2015-01-31-to-2017-11-30.gif "$tmp"/geomap-2015-01-31-to-2017-11-30-contact-sheet.png "$out/"
ls -la "$out"

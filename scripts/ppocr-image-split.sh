#!/usr/bin/env bash
# Materializes the pinned PP-OCR calibration/validation split (scripts/ppocr-image-split.txt) as folders of
# symlinks under DEST (det-cal, det-val, cls-cal, cls-val), for `edgebuild optimize --calibration-data DEST/det-cal ...`.
set -euo pipefail
dest=${1:?usage: scripts/ppocr-image-split.sh DEST}
images=${EDGEBUILD_ASSETS:-$HOME/.cache/edgebuild/assets}/images/skimage
list="$(dirname "$0")/ppocr-image-split.txt"
grep -v '^#' "$list" | while read -r set file; do
  mkdir -p "$dest/$set"
  ln -sf "$images/$file" "$dest/$set/$file"
done
echo "$dest: $(ls "$dest" | tr '\n' ' ')"

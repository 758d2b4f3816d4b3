#!/usr/bin/env bash
# Materializes the pinned PP-OCR calibration/validation split (scripts/ppocr-image-split.txt) as folders of
# symlinks under DEST (det-cal, det-val, cls-cal, cls-val), for `edgebuild optimize --calibration-data DEST/det-cal ...`.
set -euo pipefail
dest=${1:?usage: scripts/ppocr-image-split.sh DEST}
images=${EDGEBUILD_ASSETS:-$HOME/.cache/edgebuild/assets}/images/skimage
list="$(dirname "$0")/ppocr-image-split.txt"
# Start from empty set folders so an image dropped from the list does not linger as a stale link.
grep -v '^#' "$list" | cut -d' ' -f1 | sort -u | while read -r set; do rm -rf "${dest:?}/$set"; done
grep -v '^#' "$list" | while read -r set file; do
  mkdir -p "$dest/$set"
  ln -sf "$images/$file" "$dest/$set/$file"
done
echo "$dest: $(ls "$dest" | tr '\n' ' ')"

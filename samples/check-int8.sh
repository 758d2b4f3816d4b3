#!/usr/bin/env bash
# Accuracy check: the sample built with the int8 detector (the default) finds the same text boxes as the same
# sample built with the float32 detector (-p:SamplePrecision=none), on the same image. Both run on this machine.
#
#   samples/check-int8.sh [IMAGE] [--out-dir DIR]
#
# Writes float32.json, int8.json, the two maps (*.bin) and comparison.json to DIR (default artifacts/check-int8);
# comparison.json also reports the int8 map's SQNR against float32's. Exit code: 0 same boxes, 1 boxes differ.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="$repo/artifacts/check-int8"
image=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out-dir) out="$2"; shift 2 ;;
    *) image=("$1"); shift ;;
  esac
done

bash "$here/prepare.sh"
mkdir -p "$out"
for precision in float32 int8; do
  property=$([ "$precision" = float32 ] && echo none || echo int8)
  echo "check-int8: building the sample with the $precision detector" >&2
  # Separate artifacts folders: the two builds must not share obj/ or bin/.
  dotnet build "$here/TextDetection/TextDetection.csproj" -c Release -p:SamplePrecision="$property" \
    --artifacts-path "$out/build-$precision" -nologo -v quiet >&2
  "$out/build-$precision/bin/TextDetection/release/TextDetection" "${image[@]}" --json --runs 3 \
    --dump-map "$out/$precision.bin" > "$out/$precision.json"
done

set +e
dotnet run "$here/compare-detections.cs" -- "$out/float32.json" "$out/int8.json" "$out/float32.bin" "$out/int8.bin" \
  --min-iou 0.9 --min-sqnr 0 | tee "$out/comparison.json"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ]; then echo "check-int8: int8 boxes match float32" >&2; else echo "check-int8: int8 boxes differ from float32" >&2; fi
exit "$status"

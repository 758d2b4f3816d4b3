#!/usr/bin/env bash
# Accuracy check: the sample's models built by EdgeBuild for rpi5 (detector, direction classifier, recognizer) find the
# same text boxes and read the same text, line for line, as the original float32 models run through the same code
# (--float) on the same image, on this machine.
#
#   samples/check-int8.sh [IMAGE] [--out-dir DIR]
#
# Writes float32.json, int8.json, the two detector maps (*.bin) and comparison.json to DIR (default artifacts/check-int8);
# comparison.json also reports the int8 map's SQNR against float32's. Exit code: 0 same boxes and text, 1 they differ.
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
echo "check-int8: building the sample" >&2
dotnet build "$here/TextDetection/TextDetection.csproj" -c Release --force -o "$out/app" -nologo -v quiet >&2

"$out/app/TextDetection" "${image[@]}" --json --runs 3 --threads 2 --float --dump-map "$out/float32.bin" > "$out/float32.json"
"$out/app/TextDetection" "${image[@]}" --json --runs 3 --threads 2 --dump-map "$out/int8.bin" > "$out/int8.json"

set +e
dotnet run "$here/compare-detections.cs" -- "$out/float32.json" "$out/int8.json" "$out/float32.bin" "$out/int8.bin" \
  --min-iou 0.9 --min-sqnr 0 | tee "$out/comparison.json"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 0 ]; then echo "check-int8: int8 boxes and text match float32" >&2; else echo "check-int8: int8 boxes or text differ from float32" >&2; fi
exit "$status"

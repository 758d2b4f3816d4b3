#!/usr/bin/env bash
# Accuracy check: the sample's models built by EdgeBuild for rpi5 (detector, direction classifier, recognizer) find the
# same text boxes and read the same text, line for line, as the original float32 models run through the same code
# (--float) on the same images, on this machine.
#
#   samples/check-int8.sh [IMAGE|FOLDER ...] [--out-dir DIR]
#
# Without an image: the app's default image (page.png). A folder stands for its .png/.jpg/.jpeg files. Per image, writes
# float32.json, int8.json, the two detector maps (*.bin) and comparison.json to DIR/NAME (DIR: artifacts/check-int8);
# comparison.json also reports the int8 map's SQNR against float32's. One summary line per image on stderr.
# Exit code: 0 same boxes and text on every image, 1 they differ on one or more.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
out="$repo/artifacts/check-int8"
images=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out-dir) out="$2"; shift 2 ;;
    *) if [ -d "$1" ]; then
         while IFS= read -r f; do images+=("$f"); done < <(find "$1" -maxdepth 1 \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' \) | sort)
       else images+=("$1"); fi
       shift ;;
  esac
done

bash "$here/prepare.sh"
mkdir -p "$out"
echo "check-int8: building the sample" >&2
dotnet build "$here/TextDetection/TextDetection.csproj" -c Release --force -o "$out/app" -nologo -v quiet >&2
[ ${#images[@]} -gt 0 ] || images=("$out/app/page.png")

failed=0
for image in "${images[@]}"; do
  name="$(basename "${image%.*}")"
  dir="$out/$name"
  mkdir -p "$dir"
  "$out/app/TextDetection" "$image" --json --runs 3 --threads 2 --float --dump-map "$dir/float32.bin" > "$dir/float32.json"
  "$out/app/TextDetection" "$image" --json --runs 3 --threads 2 --dump-map "$dir/int8.bin" > "$dir/int8.json"
  set +e
  dotnet run "$here/compare-detections.cs" -- "$dir/float32.json" "$dir/int8.json" "$dir/float32.bin" "$dir/int8.bin" \
    --min-iou 0.9 --min-sqnr 0 > "$dir/comparison.json"
  status=$?
  set -e
  cat "$dir/comparison.json"
  if [ "$status" -eq 0 ]; then verdict="int8 boxes and text match float32"; else verdict="int8 boxes or text differ from float32"; failed=$((failed + 1)); fi
  echo "check-int8: $name: $verdict ($dir/comparison.json)" >&2
done

echo "check-int8: ${#images[@]} image(s), $failed differ" >&2
[ "$failed" -eq 0 ]

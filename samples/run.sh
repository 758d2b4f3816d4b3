#!/usr/bin/env bash
# The whole product from a fresh clone: fetch the pinned model and images, pack EdgeBuild, then build and run
# samples/TextDetection, whose build quantizes the PP-OCRv4 text detector for the Raspberry Pi 5 and generates
# the TextDetector wrapper. Arguments go to the sample (an image path, --out boxes.png, --json, ...).
#
#   bash samples/run.sh [IMAGE] [--out boxes.png] [--json]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/prepare.sh"
dotnet build "$here/TextDetection/TextDetection.csproj" -c Release --force -nologo -v quiet >&2
dotnet run --project "$here/TextDetection/TextDetection.csproj" -c Release --no-build -- "$@"

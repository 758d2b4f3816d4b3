#!/usr/bin/env bash
# Gets everything the sample needs from a fresh clone: the pinned model and images (scripts/fetch-assets.sh)
# and the EdgeBuild package packed from this checkout into artifacts/packages (the feed samples/NuGet.config reads).
#
#   samples/prepare.sh
#
# EDGEBUILD_SAMPLE_PREPARED=1 skips it (the tests prepare once, then run several check scripts).
set -euo pipefail
if [ "${EDGEBUILD_SAMPLE_PREPARED:-}" = 1 ]; then exit 0; fi

repo="$(cd "$(dirname "$0")/.." && pwd)"
# The models, images and the pinned split (ppocr-split/): the detector calibrates on det-cal (TextDetection.csproj);
# page.png and bw_text.png are held out (det-val): the sample is checked on them.
bash "$repo/scripts/fetch-assets.sh" >&2

echo "prepare: packing EdgeBuild into artifacts/packages" >&2
# The MSBuild package only: the sample does not need the EdgeBuild.Tool package scripts/pack.sh also packs.
dotnet pack "$repo/nuget/EdgeBuild/EdgeBuild.csproj" -c Release -nologo >&2

# NuGet never re-extracts a version it already has in its global packages folder, so a package repacked from
# changed sources under the same version would be ignored. Drop the cached copy when its hash differs; the
# scripts then build with --force so restore extracts the new one even when the project itself is unchanged.
# EdgeBuild.<version>.nupkg only: EdgeBuild.Tool.<version>.nupkg and the .snupkg symbols sit beside it.
package="$(ls "$repo"/artifacts/packages/EdgeBuild.[0-9]*.nupkg | sort -V | tail -1)"
version="$(basename "$package" .nupkg)"; version="${version#EdgeBuild.}"
cache="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')edgebuild/$version"
if [ -d "$cache" ] && [ "$(cat "$cache"/*.nupkg.sha512 2>/dev/null)" != "$(openssl dgst -sha512 -binary "$package" | base64 -w0)" ]; then
  echo "prepare: dropping the stale cached EdgeBuild $version from $cache" >&2
  rm -rf "$cache"
fi

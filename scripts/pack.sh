#!/usr/bin/env bash
# Packs the EdgeBuild NuGet package into artifacts/packages/EdgeBuild.<version>.nupkg.
# Extra arguments go to `dotnet pack` (e.g. -o DIR for another folder feed).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet pack nuget/EdgeBuild/EdgeBuild.csproj -c Release -nologo "$@"

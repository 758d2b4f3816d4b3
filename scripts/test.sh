#!/usr/bin/env bash
# The whole test suite: fetches the pinned test assets, builds, runs every test project.
# Long runs (overnight fuzzing, full benchmarks) are opt-in; see docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."

export EDGEBUILD_ASSETS="${EDGEBUILD_ASSETS:-$HOME/.cache/edgebuild/assets}"
bash scripts/fetch-assets.sh

dotnet build EdgeBuild.sln -c Release -nologo -clp:NoSummary
dotnet test EdgeBuild.sln -c Release --no-build -nologo "$@"

#!/usr/bin/env bash
# Long hostile-model fuzzing (docs/reliability.md). Usage: bash scripts/fuzz.sh [MINUTES] (default 480: overnight).
# EDGEBUILD_FUZZ_SEED=N replays a campaign; findings are saved under $EDGEBUILD_FUZZ_FINDINGS (default /tmp/edgebuild-fuzz-findings).
set -euo pipefail
cd "$(dirname "$0")/.."
export EDGEBUILD_FUZZ_MINUTES="${1:-480}"
dotnet build tests/EdgeBuild.Cli.Tests -c Release -nologo -clp:NoSummary
dotnet test tests/EdgeBuild.Cli.Tests -c Release --no-build \
  --filter "FullyQualifiedName~Reliability.HostileModelFuzzTests" --logger "console;verbosity=detailed"

#!/usr/bin/env bash
# No-op build budget (issue 4, acceptance 2; docs/msbuild.md): packs EdgeBuild into a temp feed, builds a consumer
# with and without the EdgeModel item, then times interleaved no-op `dotnet build --no-restore` pairs and prints the
# median ratio. Usage: bash scripts/bench-noop-build.sh [PAIRS] (default 7). EDGEBUILD_BENCH_ASSERT=1 also fails
# when the ratio exceeds 1.15.
set -euo pipefail
cd "$(dirname "$0")/.."
export EDGEBUILD_BENCH_NOOP=1 EDGEBUILD_BENCH_PAIRS="${1:-7}"
dotnet build tests/EdgeBuild.Integration.Tests -c Release -nologo -clp:NoSummary
dotnet test tests/EdgeBuild.Integration.Tests -c Release --no-build \
  --filter "FullyQualifiedName~Benchmarks.NoOpBuildBenchmarkTests" --logger "console;verbosity=detailed"

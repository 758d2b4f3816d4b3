#!/usr/bin/env bash
# Packs the two packages into artifacts/packages/: EdgeBuild.<version>.nupkg (the MSBuild package) and
# EdgeBuild.Tool.<version>.nupkg (the `edgebuild` .NET tool), each with its .snupkg symbols package. The projects
# that set IsPackable (nuget/EdgeBuild, src/EdgeBuild.Cli) are the only ones packed. Extra arguments go to
# `dotnet pack` (e.g. -o DIR for another folder feed).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet pack EdgeBuild.sln -c Release -nologo "$@"

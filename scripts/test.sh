#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs pnpm if missing, the dependencies, then runs
# every package's tests (tests read sources directly, no build needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
pnpm run typecheck
pnpm run test

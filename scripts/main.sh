#!/usr/bin/env bash
# The main job on a fresh machine: installs pnpm if missing, the dependencies (building the
# native kernels when a C++ compiler is there), builds the packages, then trains a character
# language model on Moby Dick and prints samples. Extra arguments go to `unroll train charlm`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-pnpm.sh
pnpm install --frozen-lockfile
pnpm exec turbo run build --filter=@unroll/cli...  # the CLI and the packages it uses
# --force: a rerun of the main job replaces the charlm.safetensors that the last one wrote
node apps/cli/dist/cli.js train charlm --force "$@"
node apps/cli/dist/cli.js sample charlm.safetensors --prime "The whale " --length 400 --temperature 0.8 --seed 7

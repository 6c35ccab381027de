#!/usr/bin/env bash
# Headless Chromium for the browser tests (Debian's package, driven by playwright-core; nothing
# is downloaded by Playwright itself). Installs it with apt-get when it is missing and we are
# root; otherwise says how, and the browser test fails with the same advice.
set -euo pipefail
if [ -x "${UNROLL_CHROMIUM:-/usr/bin/chromium}" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing Chromium for the browser tests (apt-get install chromium)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends chromium >/dev/null || { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium >/dev/null; }
else
  echo "note: /usr/bin/chromium is missing and cannot be installed here (needs root and apt-get); the browser test will fail" >&2
fi

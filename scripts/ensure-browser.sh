#!/usr/bin/env bash
# Makes sure the browser the tests drive is present. On Debian (the build
# machines) that is the distribution's Chromium; Playwright's own browser
# download is blocked there. Elsewhere Playwright's Chromium is used.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi

echo "No /usr/bin/chromium: installing Playwright's Chromium instead…"
npx playwright install chromium

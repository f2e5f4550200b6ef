#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests. Playwright
# drives it at /usr/bin/chromium; Playwright's own browser download is never used.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing: run 'sudo apt-get install chromium' (Debian) and retry." >&2
  exit 1
fi

echo "Installing Debian's chromium for the browser tests…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine: the package with its test
# extra, and the real programs the tests drive (Chromium with a CJK font, LibreOffice
# Calc and Writer as the stand-ins for Excel/WPS and Word/WPS 文字, poppler for PDF pages, PostgreSQL for the ledger).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

packages="chromium fonts-wqy-zenhei libreoffice-calc libreoffice-writer poppler-utils postgresql"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

python -m pip install -q -e ".[test]"

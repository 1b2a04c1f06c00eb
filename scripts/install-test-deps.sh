#!/usr/bin/env bash
# Installs the system packages the test suite needs, from Debian's archive, when they are absent:
#   chromium  — the real browser the web tests drive through playwright-core (never a browser download)
#   postgresql — the server engine's tests start their own throwaway cluster
#   poppler-utils — pdftotext, with which tests read the text of the PDF reports
# Needs root (or sudo) only when something is missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing from Debian: ${need[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2

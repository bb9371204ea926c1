#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, when run as root; otherwise says what to install.
set -euo pipefail

PACKAGES=(
  qgis python3-qgis qgis-providers   # QGIS 3.22 LTR desktop + PyQGIS
  python3-requests python3-venv      # the plugin's HTTP client; the dev venv
  pyqt5-dev-tools qttools5-dev-tools # pyrcc5 (resources), lrelease (translations)
  xvfb xauth x11-utils imagemagick   # headless QGIS and its screenshot
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by scripts/demo and scripts/test: what a fresh Debian 12 machine needs.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian 12 packages: build, server, client, tests (Xvfb, valgrind), packaging checks.
packages=(
  build-essential pkgconf meson ninja-build gettext
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev glib-networking
  libjson-glib-dev libpq-dev libsodium-dev libsecret-1-dev libgnutls28-dev
  postgresql-15 xvfb xauth dbus-daemon openssl
  desktop-file-utils appstream fonts-noto-cjk gnome-keyring
  gsettings-desktop-schemas valgrind flatpak-builder curl libqrencode-dev
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "error: need root (or sudo) to run: $*" >&2
    exit 1
  fi
}

ensure_packages() {
  local missing=()
  local pkg
  for pkg in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "==> Installing missing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# configure_build DIR [meson options…]: configure once, then build.
configure_build() {
  local dir=$1
  shift
  if [ ! -f "$top/$dir/build.ninja" ]; then
    meson setup "$top/$dir" "$top" --werror "$@"
  fi
  ninja -C "$top/$dir"
}

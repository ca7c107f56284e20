#!/usr/bin/env bash
# Install the built .deb for the smoke test; print the install root on stdout ("/" or a folder).
#   root with apt-get: apt-get installs it into this machine with dpkg (pulling the few system
#                      libraries Qt's X11 plugin needs, e.g. libxcb-cursor0, libegl1)
#   anyone else:       dpkg-deb extracts it into build/deb-install (the system is not touched)
set -euo pipefail
deb="$(realpath "$1")"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing $deb into this machine (apt-get, dpkg)..." >&2
  if ! apt-get install -y -qq --reinstall --no-install-recommends "$deb" >&2; then
    apt-get update -qq >&2
    apt-get install -y -qq --reinstall --no-install-recommends "$deb" >&2
  fi
  dpkg -s imsa-desktop | grep -E '^(Status|Version):' >&2
  echo /
else
  dest="$(dirname "$deb")/deb-install"
  echo "Not root: extracting $deb into $dest instead of installing it..." >&2
  rm -rf "$dest"
  dpkg-deb -x "$deb" "$dest"
  echo "$dest"
fi

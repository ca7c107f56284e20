#!/usr/bin/env bash
# Install the built .deb for the smoke test and print where it went (the install root).
#   root with apt:   apt-get installs it into this machine (pulling the few Qt system libraries)
#   anyone else:     dpkg-deb extracts it into build/deb-install (nothing on the system changes)
set -euo pipefail
deb="$1"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing $deb with apt-get (dpkg) into this machine..." >&2
  apt-get install -y -qq --no-install-recommends "$(realpath "$deb")" >&2
  echo /
else
  dest="$(dirname "$deb")/deb-install"
  echo "Not root: extracting $deb into $dest instead of installing..." >&2
  rm -rf "$dest"
  dpkg-deb -x "$deb" "$dest"
  echo "$dest"
fi

#!/usr/bin/env bash
# macOS: wrap "IMSA Desktop.app" (made by packaging/imsa-desktop.spec on macOS) in a DMG.
#
#   packaging/macos/build_dmg.sh VERSION
#
# Run on a macOS runner (.github/workflows/packages.yml); it cannot run on the Linux CI
# machine. Uses only tools macOS ships (hdiutil, codesign). Without a Developer ID the app is
# signed ad hoc (Gatekeeper then asks the user to right-click > Open once); with
# MACOS_SIGN_IDENTITY set it is signed with that identity (notarisation is a separate step).
set -euo pipefail
version="${1:?usage: build_dmg.sh VERSION}"
cd "$(dirname "$0")/../.."
app="build/dist/IMSA Desktop.app"
[ -d "$app" ] || { echo "build_dmg: $app is missing (run pyinstaller packaging/imsa-desktop.spec first)"; exit 1; }

# The spec puts both executables in Contents/MacOS: imsa-desktop (the app) and imsa.
cp LICENSE NOTICE "$app/Contents/Resources/"

codesign --force --deep --options runtime --sign "${MACOS_SIGN_IDENTITY:--}" "$app"

stage="build/dmg"
rm -rf "$stage" && mkdir -p "$stage"
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
dmg="build/IMSA-Desktop-$version.dmg"
rm -f "$dmg"
hdiutil create -volname "IMSA Desktop" -srcfolder "$stage" -ov -format UDZO "$dmg"
echo "built $dmg ($(du -m "$dmg" | cut -f1) MB)"

# Smoke test, as on Linux: the version and the feature list from the bundled app.
"$app/Contents/MacOS/imsa" --version
QT_QPA_PLATFORM=offscreen "$app/Contents/MacOS/imsa-desktop" --list-features

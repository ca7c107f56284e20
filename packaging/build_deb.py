"""Build the Linux .deb from the PyInstaller folder (build/dist/imsa-desktop).

    python packaging/build_deb.py [--dist build/dist/imsa-desktop] [--out build]

Layout: the app in /opt/imsa-desktop; `imsa` and `imsa-desktop` in /usr/bin (relative
symlinks, so an extracted root works too); the .desktop entry and icon under /usr/share; the
licence files in /usr/share/doc/imsa-desktop. Compressed with zstd (dpkg-deb -Zzstd).
Prints the package path and the sizes (install folder and .deb) as the last lines.
Standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "imsa-desktop"
# Libraries Qt's xcb platform plugin loads from the system (PyInstaller leaves GL/EGL and a
# few xcb helpers out of the bundle on purpose: they belong to the system's graphics stack).
DEPENDS = (
    "libc6 (>= 2.34), libegl1, libgl1, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, "
    "libxkbcommon-x11-0, libfontconfig1"
)


def du(path: Path) -> int:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total


def build(dist: Path, out: Path) -> Path:
    if not (dist / "imsa").exists() or not (dist / "imsa-desktop").is_file():
        raise SystemExit(f"build_deb: {dist} has no imsa / imsa-desktop (run PyInstaller first)")
    ver = version("imsa-desktop")
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    stage = out / "deb-root"
    if stage.exists():
        shutil.rmtree(stage)
    opt = stage / "opt" / PACKAGE
    shutil.copytree(dist, opt, symlinks=True)
    bindir = stage / "usr" / "bin"
    bindir.mkdir(parents=True)
    for name in ("imsa", "imsa-desktop"):
        os.symlink(f"../../opt/{PACKAGE}/{name}", bindir / name)
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    shutil.copy2(ROOT / "packaging" / "linux" / "imsa-desktop.desktop", apps / "imsa-desktop.desktop")
    icons = stage / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
    icons.mkdir(parents=True)
    shutil.copy2(ROOT / "packaging" / "icons" / "imsa-desktop.png", icons / "imsa-desktop.png")
    doc = stage / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    for name in ("LICENSE", "NOTICE", "CHANGELOG.md"):
        shutil.copy2(ROOT / name, doc / name)
    (doc / "copyright").write_text(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: IMSA Desktop\n\n"
        "Files: *\nLicense: AGPL-3.0-or-later\n"
        " The full text is in /usr/share/doc/imsa-desktop/LICENSE.\n\n"
        "Files: opt/imsa-desktop/_internal/resources/fonts/*\n"
        "License: Bitstream-Vera and OFL-1.1 and Apache-2.0\n"
        " See /usr/share/doc/imsa-desktop/NOTICE.\n",
        encoding="utf-8",
    )
    for p in stage.rglob("*"):
        if p.is_symlink():
            continue
        if p.is_dir():
            p.chmod(0o755)
        else:
            p.chmod(0o755 if os.access(p, os.X_OK) else 0o644)
    control = stage / "DEBIAN"
    control.mkdir()
    installed_kib = (du(stage) + 1023) // 1024
    (control / "control").write_text(
        f"Package: {PACKAGE}\n"
        f"Version: {ver}\n"
        f"Architecture: {arch}\n"
        "Maintainer: IMSA Desktop contributors <imsa-desktop@example.org>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {DEPENDS}\n"
        "Section: misc\n"
        "Priority: optional\n"
        "Description: offline, encrypted case management for modern slavery advocates\n"
        " IMSA Desktop keeps an Independent Modern Slavery Advocate's cases in one\n"
        " encrypted vault on the laptop: NRM deadlines as dated, sourced rules,\n"
        " chronologies, evidence, reconsideration letters and encrypted hand-over\n"
        " bundles. It never opens a network connection.\n",
        encoding="utf-8",
    )
    deb = out / f"{PACKAGE}_{ver}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zzstd", "-z12", "--build", str(stage), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return deb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", default=str(ROOT / "build" / "dist" / PACKAGE))
    parser.add_argument("--out", default=str(ROOT / "build"))
    args = parser.parse_args()
    started = time.monotonic()
    deb = build(Path(args.dist), Path(args.out))
    mib = 1024 * 1024
    folder = du(Path(args.dist)) / mib
    size = deb.stat().st_size / mib
    print(f"built {deb} in {time.monotonic() - started:.0f} s")
    print(f"install folder /opt/{PACKAGE}: {folder:.0f} MiB (budget 260)")
    print(f".deb: {size:.0f} MiB (budget 90)")
    if folder > 260 or size > 90:
        print("build_deb: over the size budget", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The app's version, from the installed package metadata (a frozen build bundles it)."""

from __future__ import annotations


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("imsa-desktop")
    except PackageNotFoundError:  # a source tree run without installing
        return "0+unknown"

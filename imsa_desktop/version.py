"""The app's version, from the installed package metadata (a frozen build bundles it)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("imsa-desktop")
    except PackageNotFoundError:  # a source tree run without installing
        return "0+unknown"


class VersionAction(argparse.Action):
    """``--version`` that reads the version only when asked: importing importlib.metadata
    (and the email package it parses metadata with) is not on the way to the window.
    Prints ``<label> <version>`` to stdout and exits, as argparse's own version action does."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, label: str = "", **kw: Any):
        kw.setdefault("help", "show program's version number and exit")
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, **kw)
        self.label = label

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kw: Any) -> None:
        sys.stdout.write(f"{self.label} {app_version()}\n")
        parser.exit()

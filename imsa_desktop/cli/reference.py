"""docs/cli.md, generated from the argument parser itself (so it cannot drift).

    .venv/bin/python -m imsa_desktop.cli.reference > docs/cli.md

tests/unit/test_cli_reference.py fails when docs/cli.md differs from what this prints.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

from imsa_desktop.cli import main as cli

WIDTH = "100"

INTRO = """\
# The `imsa` command line

Generated from the parser by `python -m imsa_desktop.cli.reference` (a test checks it is
current). `imsa COMMAND --help` prints the same text.

Conventions, for every command:

- Exit codes: 0 success; 1 an expected failure, with one sentence on stderr; 2 a usage error.
  No traceback reaches the terminal.
- `--vault PATH` and `--passphrase-file FILE` may be given before or after the command
  (`imsa --vault X init` and `imsa init --vault X` are the same; after the command wins if
  both are given). Without `--vault`: `$IMSA_VAULT`, else the per-user data folder.
- Passphrases come from `IMSA_PASSPHRASE`, `--passphrase-file` or a no-echo prompt, never
  from an argument. `IMSA_NEW_PASSPHRASE` and `IMSA_RECOVERY_KEY` serve `passphrase change`
  and `recover`.
- `--json` output is UTF-8 JSON on stdout; human output is for people and may change.
"""


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices.items())
    return []


def _walk(
    parser: argparse.ArgumentParser, words: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for name, child in _subcommands(parser):
        yield " ".join((*words, name)), child
        yield from _walk(child, (*words, name))


def markdown() -> str:
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        parser = cli.build_parser()
        parts = [INTRO, "## imsa\n", "```text\n" + parser.format_help().rstrip() + "\n```\n"]
        for words, sub in _walk(parser):
            parts.append(f"## imsa {words}\n")
            parts.append("```text\n" + sub.format_help().rstrip() + "\n```\n")
        return "\n".join(parts)
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old


if __name__ == "__main__":
    print(markdown(), end="")

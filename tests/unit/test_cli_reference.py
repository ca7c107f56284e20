"""docs/cli.md is the parser's own help, so the reference in the repository cannot drift."""

from __future__ import annotations

from pathlib import Path

from imsa_desktop.cli import reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_docs_cli_md_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == reference.markdown(), (
        "docs/cli.md is out of date: run .venv/bin/python -m imsa_desktop.cli.reference > docs/cli.md"
    )


def test_every_command_has_a_section() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in ("init", "demo", "case add", "erase", "backup", "restore", "letter reconsideration"):
        assert f"\n## imsa {name}\n" in text

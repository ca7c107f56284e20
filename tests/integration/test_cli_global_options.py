"""Global options work before the command too (`imsa --vault X init`), for every command.

argparse used to let the subcommand's default (None) overwrite an option given before the
command, so `imsa --vault A erase ID --yes` erased from the default vault (issue 13, issue 19
hole 2).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imsa_desktop.cli import main as cli
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import cases as case_service
from imsa_desktop.store.vault import Vault
from tests.conftest import PASSPHRASE
from tests.helpers import run_cli


def _vault_with_case(path: Path, name: str, clock) -> str:  # type: ignore[no-untyped-def]
    v, _ = Vault.create(path, PASSPHRASE, "Test Advocate", TEST_PARAMS, clock=clock)
    try:
        return case_service.add_case(v.unit_of_work(), {"survivor": {"full_name": name}}, clock=clock)
    finally:
        v.close()


def test_vault_before_init_creates_that_vault(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("IMSA_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("IMSA_VAULT", str(tmp_path / "default.imsa"))
    target = tmp_path / "chosen.imsa"
    code, out, err = run_cli(capsys, "--vault", str(target), "init", "--name", "Test Advocate")
    assert code == 0, err
    assert target.exists() and f"Created an empty vault at {target}" in out
    assert not (tmp_path / "default.imsa").exists()


def test_vault_before_erase_erases_from_that_vault_only(tmp_path, monkeypatch, capsys, clock) -> None:
    a_path, b_path = tmp_path / "a.imsa", tmp_path / "b.imsa"
    in_a = _vault_with_case(a_path, "Nguyễn Văn Bình", clock)
    in_b = _vault_with_case(b_path, "Arta Krasniqi", clock)
    monkeypatch.setenv("IMSA_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("IMSA_VAULT", str(b_path))  # the "default" vault

    code, out, err = run_cli(capsys, "--vault", str(a_path), "erase", in_a, "--yes")
    assert code == 0, err

    code, out, _ = run_cli(capsys, "case", "list", "--vault", str(a_path), "--json")
    assert [c["id"] for c in json.loads(out)] == []
    code, out, _ = run_cli(capsys, "case", "list", "--json")  # B, through IMSA_VAULT
    assert [c["id"] for c in json.loads(out)] == [in_b]


def test_passphrase_file_before_the_command_is_used(tmp_path, monkeypatch, capsys, clock) -> None:
    path = tmp_path / "a.imsa"
    case_id = _vault_with_case(path, "Zofia Wiśniewska", clock)
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    monkeypatch.delenv("IMSA_PASSPHRASE", raising=False)
    code, out, err = run_cli(
        capsys, "--vault", str(path), "--passphrase-file", str(secret), "case", "list", "--json"
    )
    assert code == 0, err
    assert [c["id"] for c in json.loads(out)] == [case_id]


def test_option_after_the_command_wins_over_one_before(tmp_path, monkeypatch, capsys, clock) -> None:
    a_path, b_path = tmp_path / "a.imsa", tmp_path / "b.imsa"
    _vault_with_case(a_path, "Nguyễn Văn Bình", clock)
    in_b = _vault_with_case(b_path, "سلمى حداد", clock)
    monkeypatch.setenv("IMSA_PASSPHRASE", PASSPHRASE)
    code, out, err = run_cli(capsys, "--vault", str(a_path), "case", "list", "--vault", str(b_path), "--json")
    assert code == 0, err
    assert [c["id"] for c in json.loads(out)] == [in_b]


def test_every_command_accepts_the_global_options_before_it() -> None:
    """Every leaf command sees --vault given before it (not only the ones tested above)."""
    parser = cli.build_parser()
    leaves = list(_leaf_commands(parser))
    assert len(leaves) > 20
    for words, sub in leaves:
        dests = {a.dest: a for a in sub._actions}
        assert "vault" in dests and "passphrase_file" in dests, words
        assert dests["vault"].default is __import__("argparse").SUPPRESS, words


def _leaf_commands(parser, words=()):  # type: ignore[no-untyped-def]
    import argparse

    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield words, parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaf_commands(child, (*words, name))


def test_version(capsys) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as e:
        cli.main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out.strip() == f"imsa (IMSA Desktop) {version('imsa-desktop')}"

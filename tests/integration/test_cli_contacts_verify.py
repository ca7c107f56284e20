"""`imsa contacts verify KEY [--undo]` and `contacts list --json` with fingerprint and verified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.store.vault import Vault
from tests.conftest import PASSPHRASE
from tests.helpers import run_cli


def test_verify_and_undo_a_contact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("IMSA_PASSPHRASE", PASSPHRASE)
    a, b = tmp_path / "a" / "a.imsa", tmp_path / "b" / "b.imsa"
    for path, name in ((a, "Paweł Wiśniewski"), (b, "Arbër Hoxha")):
        v, _ = Vault.create(path, PASSPHRASE, name, TEST_PARAMS)
        v.close()
    _code, card_b, _ = run_cli(capsys, "identity", "--card", "--vault", str(b))
    assert run_cli(capsys, "contacts", "add", "Arbër Hoxha", card_b.strip(), "--vault", str(a))[0] == 0
    code, out, _ = run_cli(capsys, "contacts", "list", "--json", "--vault", str(a))
    (c,) = json.loads(out)
    assert c["verified"] is False and len(c["fingerprint"].split()) == 5
    code, out, err = run_cli(capsys, "contacts", "verify", card_b.strip(), "--vault", str(a))
    assert code == 0, err
    assert out.strip() == f"Arbër Hoxha: verified (fingerprint {c['fingerprint']})."
    assert (
        json.loads(run_cli(capsys, "contacts", "list", "--json", "--vault", str(a))[1])[0]["verified"] is True
    )
    assert "(verified)" in run_cli(capsys, "contacts", "list", "--vault", str(a))[1]
    code, out, _ = run_cli(capsys, "contacts", "verify", card_b.strip(), "--undo", "--vault", str(a))
    assert code == 0 and "not verified" in out
    code, _out, err = run_cli(capsys, "contacts", "verify", "age1" + "q" * 58, "--vault", str(a))
    assert code != 0 and "no contact with that public key" in err

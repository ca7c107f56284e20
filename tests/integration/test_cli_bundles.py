"""`imsa identity / contacts / export / import / verify / backup / restore`, end to end.

Two fictional advocates' vaults (A: Paweł Wiśniewski, B: Arbër Hoxha) exchange a case with an
attached file; every hostile bundle is refused with exit 1, one sentence, and no change.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from pathlib import Path
from typing import Any

import pytest
from pyrage import passphrase as age_passphrase

from imsa_desktop.cli import main as cli
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.services import cases as case_service
from imsa_desktop.store.vault import Vault, unwrap_with_passphrase
from tests.conftest import PASSPHRASE
from tests.helpers import run_cli

BUNDLE_PHRASE = "lantern meadow quartz seventeen harbour"
FILE_BYTES = bytes(random.Random(6).getrandbits(8) for _ in range(2_500_000))


def make_vault(path: Path, name: str) -> Vault:
    v, _ = Vault.create(path, PASSPHRASE, name, TEST_PARAMS)
    return v


def dump(path: Path) -> dict[str, list[Any]]:
    """Every row of every table (the vault's whole content)."""
    v = Vault.open(unwrap_with_passphrase(path, PASSPHRASE))
    try:
        assert v.conn is not None
        tables = [
            r[0]
            for r in v.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not r[0].startswith("search_")
        ]
        return {t: sorted(map(repr, v.conn.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables}
    finally:
        v.close()


@pytest.fixture
def two_vaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("IMSA_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BUNDLE_PHRASE", BUNDLE_PHRASE)
    a_path, b_path = tmp_path / "a" / "a.imsa", tmp_path / "b" / "b.imsa"
    a = make_vault(a_path, "Paweł Wiśniewski")
    try:
        cid = case_service.add_case(
            a.unit_of_work(),
            {
                "survivor": {"full_name": "Nguyễn Thị Hồng", "safe_contact_notes": "Call only after 6pm"},
                "consents": [
                    {
                        "purpose": "share_advocate",
                        "date": "2025-01-10",
                        "consent_type": "written",
                        "scope": ["case", "attachments", "safeguarding", "contact_details"],
                    }
                ],
                "decisions": [{"kind": "reasonable_grounds", "outcome": "negative", "date": "2025-01-20"}],
                "events": [{"date": "2024-06-01", "title": "Recruited with a false job offer"}],
                "evidence": [{"title": "GP letter", "source": "Dr Example (fictional)"}],
            },
        )
        ev = case_service.show_case(a.unit_of_work(), cid, audit=False)["evidence"][0]["id"]
    finally:
        a.close()
    make_vault(b_path, "Arbër Hoxha").close()
    f = tmp_path / "gp-letter.pdf"
    f.write_bytes(FILE_BYTES)
    assert cli.main(["attach", cid, ev, str(f), "--vault", str(a_path)]) == 0
    return {"a": a_path, "b": b_path, "case": cid, "tmp": tmp_path}


def export_from_a(
    capsys: pytest.CaptureFixture[str], v: dict[str, Any], case_id: str, out: Path, *options: str
) -> tuple[int, str, str]:
    """``imsa export`` of a case from vault A to a passphrase bundle, with these options."""
    where = ("--out", str(out), "--passphrase-env", "BUNDLE_PHRASE")
    return run_cli(capsys, "export", case_id, *where, *options, "--vault", str(v["a"]))


def export_passphrase(capsys: pytest.CaptureFixture[str], v: dict[str, Any], out: Path) -> None:
    code, _, err = export_from_a(capsys, v, v["case"], out)
    assert code == 0, err


def befriend(capsys: pytest.CaptureFixture[str], v: dict[str, Any]) -> None:
    """B puts A (both keys, from A's contact card) in its address book."""
    code, out, err = run_cli(capsys, "identity", "--json", "--vault", str(v["a"]))
    assert code == 0, err
    card = json.loads(out)["contact_card"]
    code, _, err = run_cli(capsys, "contacts", "add", "Paweł Wiśniewski", card, "--vault", str(v["b"]))
    assert code == 0, err


def share_with_b(capsys: pytest.CaptureFixture[str], v: dict[str, Any], out: Path) -> None:
    """``imsa export`` of the case from A to B's contact card: an age-key bundle. The merge tests
    use these, not passphrase bundles: age measures this computer's speed (one scrypt of about a
    millisecond) each time a passphrase file is opened and refuses files that look 16 times too
    slow to open, so on a busy machine an import could fail for a reason no merge test is about."""
    code, card, err = run_cli(capsys, "identity", "--card", "--vault", str(v["b"]))
    assert code == 0, err
    code, _, err = run_cli(
        capsys, "export", v["case"], "--out", str(out), "--recipient", card.strip(), "--vault", str(v["a"])
    )
    assert code == 0, err


def import_shared(
    capsys: pytest.CaptureFixture[str], v: dict[str, Any], bundle: Path, *options: str
) -> tuple[int, str, str]:
    """``imsa import`` into vault B of a bundle to B's key, with these options: (code, out, err)."""
    return run_cli(capsys, "import", str(bundle), *options, "--vault", str(v["b"]))


def show(capsys: pytest.CaptureFixture[str], vault: Path, cid: str) -> dict[str, Any]:
    code, out, err = run_cli(capsys, "case", "show", cid, "--json", "--vault", str(vault))
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def import_into_b(
    capsys: pytest.CaptureFixture[str], v: dict[str, Any], bundle: Path, *options: str
) -> tuple[int, str, str]:
    """``imsa import`` of a passphrase bundle into vault B, with these options: (code, out, err)."""
    return run_cli(
        capsys, "import", str(bundle), "--passphrase-env", "BUNDLE_PHRASE", *options, "--vault", str(v["b"])
    )


def test_round_trip_case_document_and_attachment_bytes_are_equal(two_vaults, capsys) -> None:
    v = two_vaults
    bundle = v["tmp"] / "handover.imsabundle"
    export_passphrase(capsys, v, bundle)
    code, out, err = import_into_b(capsys, v, bundle, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["cases"][0]["status"] == "new" and report["cases"][0]["new_attachments"] == 1
    assert show(capsys, v["b"], v["case"]) == show(capsys, v["a"], v["case"])
    b_doc = show(capsys, v["b"], v["case"])
    assert b_doc["survivor"]["safe_contact_notes"] == "Call only after 6pm"
    # every attachment's bytes
    v_b = Vault.open(unwrap_with_passphrase(v["b"], PASSPHRASE))
    try:
        [att] = v_b.unit_of_work().attachments.for_case(v["case"])
    finally:
        v_b.close()
    out_file = v["tmp"] / "extracted.pdf"
    assert run_cli(capsys, "extract", v["case"], att.id, str(out_file), "--vault", str(v["b"]))[0] == 0
    assert out_file.read_bytes() == FILE_BYTES
    # the same bundle again creates nothing new
    before = dump(v["b"])
    code, out, _ = import_into_b(capsys, v, bundle, "--json")
    assert code == 0 and json.loads(out)["cases"][0]["status"] == "unchanged"
    after = dump(v["b"])
    for table in ("cases", "records", "attachments", "attachment_chunks"):
        assert after[table] == before[table], table


def test_recipient_bundle_names_a_known_sender_and_audits_the_recipient(two_vaults, capsys) -> None:
    v = two_vaults
    code, card_b, _ = run_cli(capsys, "identity", "--card", "--vault", str(v["b"]))
    code, card_a, _ = run_cli(capsys, "identity", "--card", "--vault", str(v["a"]))
    assert card_b.startswith("imsa-contact:v1:age1")
    assert run_cli(capsys, "contacts", "add", "Arbër Hoxha", card_b.strip(), "--vault", str(v["a"]))[0] == 0
    assert (
        run_cli(capsys, "contacts", "add", "Paweł Wiśniewski", card_a.strip(), "--vault", str(v["b"]))[0] == 0
    )
    bundle = v["tmp"] / "to-arber.imsabundle"
    code, _, err = run_cli(
        capsys,
        "export",
        v["case"],
        "--out",
        str(bundle),
        "--recipient",
        "Arbër Hoxha",
        "--no-safeguarding",
        "--vault",
        str(v["a"]),
    )
    assert code == 0, err
    code, out, err = run_cli(capsys, "import", str(bundle), "--json", "--vault", str(v["b"]))
    assert code == 0, err
    report = json.loads(out)
    assert report["sender"] == {
        "name": "Paweł Wiśniewski",
        "known": True,
        "fingerprint": report["sender"]["fingerprint"],
    }
    assert report["cases"][0]["withheld"] == ["safeguarding"]
    assert show(capsys, v["b"], v["case"])["survivor"]["safe_contact_notes"] == ""
    a = Vault.open(unwrap_with_passphrase(v["a"], PASSPHRASE))
    try:
        [entry] = a.unit_of_work().__enter__().audit.entries(case_id=v["case"], action="exported")
    finally:
        a.close()
    assert entry.detail.startswith("to Arbër Hoxha") and "safeguarding" in entry.detail


def test_share_without_consent_needs_a_reason(two_vaults, capsys) -> None:
    v = two_vaults
    a = Vault.open(unwrap_with_passphrase(v["a"], PASSPHRASE))
    try:
        other = case_service.add_case(a.unit_of_work(), {"survivor": {"full_name": "ሰላም ተስፋይ"}})
    finally:
        a.close()
    out = v["tmp"] / "x.imsabundle"
    code, _, err = export_from_a(capsys, v, other, out)
    assert code == 1 and "consent" in err and not out.exists()
    code, _, err = export_from_a(capsys, v, other, out, "--reason", "Urgent safeguarding referral")
    assert code == 0 and out.exists()


def _flip(data: bytes, pos: int) -> bytes:
    b = bytearray(data)
    b[pos] ^= 0x01
    return bytes(b)


HOSTILE = [
    "flip-header",
    "flip-middle",
    "flip-last",
    "truncated",
    "wrong-passphrase",
    "wrong-recipient",
    "random-payload",
    "empty",
]


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_bundles_are_refused_and_the_vault_is_unchanged(
    two_vaults, capsys, kind: str, monkeypatch
) -> None:
    v = two_vaults
    good = v["tmp"] / "good.imsabundle"
    export_passphrase(capsys, v, good)
    data = good.read_bytes()
    bad = v["tmp"] / "bad.imsabundle"
    args = ["--passphrase-env", "BUNDLE_PHRASE"]
    if kind == "flip-header":
        bad.write_bytes(_flip(data, 40))
    elif kind == "flip-middle":
        bad.write_bytes(_flip(data, len(data) // 2))
    elif kind == "flip-last":
        bad.write_bytes(_flip(data, len(data) - 1))
    elif kind == "truncated":
        bad.write_bytes(data[: len(data) - 700])
    elif kind == "wrong-passphrase":
        bad.write_bytes(data)
        monkeypatch.setenv("OTHER_PHRASE", "not the right bundle phrase at all")
        args = ["--passphrase-env", "OTHER_PHRASE"]
    elif kind == "wrong-recipient":
        from imsa_desktop.bundle import new_identity

        stranger = new_identity().age_public
        assert (
            run_cli(
                capsys,
                "export",
                v["case"],
                "--out",
                str(bad),
                "--recipient",
                stranger,
                "--vault",
                str(v["a"]),
            )[0]
            == 0
        )
        args = []
    elif kind == "random-payload":
        bad.write_bytes(age_passphrase.encrypt(os.urandom(50_000), BUNDLE_PHRASE))
    else:
        bad.write_bytes(b"")
    # make sure B's identity exists before the snapshot (a refused import must not create it)
    run_cli(capsys, "identity", "--vault", str(v["b"]))
    before = dump(v["b"])
    code, out, err = run_cli(capsys, "import", str(bad), *args, "--vault", str(v["b"]))
    assert code == 1
    assert err.startswith("imsa: ") and err.count("\n") == 1 and "Traceback" not in err
    assert "vault was not changed" in err or "refused" in err or "not an IMSA bundle" in err
    assert dump(v["b"]) == before


def test_reference_age_tool_decrypts_a_cli_passphrase_bundle(two_vaults, capsys) -> None:
    from tests.integration.test_bundle_age_cli import AGE, _age_decrypt_with_passphrase, _members

    assert AGE, "the reference age tool is required: apt-get install -y age"
    v = two_vaults
    bundle = v["tmp"] / "for-age.imsabundle"
    export_passphrase(capsys, v, bundle)
    out = v["tmp"] / "payload.tar"
    assert _age_decrypt_with_passphrase(AGE, bundle, out, BUNDLE_PHRASE) == 0
    members = _members(out)
    assert list(members)[:2] == ["manifest.json", "manifest.sig"]
    doc = json.loads(members[f"cases/{v['case']}.json"])
    assert doc["survivor"]["full_name"] == "Nguyễn Thị Hồng"
    assert FILE_BYTES in members.values()


def test_conflicts_are_reported_and_resolved_by_choice(two_vaults, capsys, tmp_path) -> None:
    v = two_vaults
    befriend(capsys, v)
    first = v["tmp"] / "first.imsabundle"
    share_with_b(capsys, v, first)
    assert import_shared(capsys, v, first)[0] == 0
    event_id = show(capsys, v["a"], v["case"])["events"][0]["id"]
    patch_a = tmp_path / "pa.json"
    patch_a.write_text(json.dumps({"events": [{"id": event_id, "title": "Recruited via a fake agency"}]}))
    patch_b = tmp_path / "pb.json"
    patch_b.write_text(
        json.dumps(
            {"events": [{"id": event_id, "title": "Recruited by a relative"}], "notes": "Seen at drop-in"}
        )
    )
    assert run_cli(capsys, "case", "update", v["case"], str(patch_a), "--vault", str(v["a"]))[0] == 0
    assert run_cli(capsys, "case", "update", v["case"], str(patch_b), "--vault", str(v["b"]))[0] == 0
    second = v["tmp"] / "second.imsabundle"
    share_with_b(capsys, v, second)
    code, out, err = import_shared(capsys, v, second, "--dry-run", "--json")
    assert code == 0, err
    case = json.loads(out)["cases"][0]
    assert code == 0 and case["status"] == "conflicts"
    assert [(c["kind"], c["id"], c["fields"]) for c in case["conflicts"]] == [("event", event_id, ["title"])]
    assert case["conflicts"][0]["mine"] == {"title": "Recruited by a relative"}
    assert case["conflicts"][0]["theirs"] == {"title": "Recruited via a fake agency"}
    # take theirs for the conflict; B's own note (changed only on B) stays
    code, _, err = import_shared(capsys, v, second, "--conflicts", "theirs")
    assert code == 0, err
    doc = show(capsys, v["b"], v["case"])
    assert doc["events"][0]["title"] == "Recruited via a fake agency" and doc["notes"] == "Seen at drop-in"
    # the conflict is settled: importing the same bundle again does not ask again
    code, out, err = import_shared(capsys, v, second, "--dry-run", "--json")
    assert code == 0, err
    assert json.loads(out)["cases"][0]["conflicts"] == []


def test_a_change_on_one_side_only_is_merged_without_a_conflict(two_vaults, capsys, tmp_path) -> None:
    v = two_vaults
    befriend(capsys, v)  # the sender who shared the case, in the address book: trusted for it
    first = v["tmp"] / "first.imsabundle"
    share_with_b(capsys, v, first)
    assert import_shared(capsys, v, first)[0] == 0
    patch = tmp_path / "p.json"
    patch.write_text(
        json.dumps({"events": [{"date": "2024-09-01", "title": "Escaped and contacted police"}]})
    )
    assert run_cli(capsys, "case", "update", v["case"], str(patch), "--vault", str(v["a"]))[0] == 0
    second = v["tmp"] / "second.imsabundle"
    share_with_b(capsys, v, second)
    code, out, err = import_shared(capsys, v, second, "--json")
    assert code == 0, err
    case = json.loads(out)["cases"][0]
    assert code == 0 and case["status"] == "merged" and case["new_records"] == 1 and case["conflicts"] == []
    assert len(show(capsys, v["b"], v["case"])["events"]) == 2


def test_backup_and_restore_into_a_new_vault(two_vaults, capsys) -> None:
    v = two_vaults
    backup = v["tmp"] / "a.backup"
    code, _, err = run_cli(capsys, "backup", "--out", str(backup), "--vault", str(v["a"]))
    assert code == 0, err
    restored = v["tmp"] / "restored" / "r.imsa"
    code, out, err = run_cli(capsys, "restore", str(backup), "--vault", str(restored))
    assert code == 0, err and "RECOVERY KEY" in out
    assert show(capsys, restored, v["case"]) == show(capsys, v["a"], v["case"])
    assert (
        run_cli(capsys, "identity", "--vault", str(restored))[1]
        == run_cli(capsys, "identity", "--vault", str(v["a"]))[1]
    )
    # a damaged backup leaves no vault behind
    damaged = v["tmp"] / "damaged.backup"
    damaged.write_bytes(_flip(backup.read_bytes(), backup.stat().st_size // 2))
    other = v["tmp"] / "other" / "o.imsa"
    code, _, err = run_cli(capsys, "restore", str(damaged), "--vault", str(other))
    assert code == 1 and "Traceback" not in err and not other.exists()


def _forged_update(v: dict[str, Any], capsys: pytest.CaptureFixture[str], signer: Any, out: Path) -> Path:
    """A bundle for A's existing case, signed by *signer* and encrypted to A, that changes the
    survivor's name, safe-contact notes, voicemail flag and a decision outcome, and adds an
    event."""
    from imsa_desktop.bundle import Sender, write_bundle_file

    doc = show(capsys, v["a"], v["case"])
    later = "2026-01-01T00:00:00+00:00"
    doc["survivor"].update(full_name="Someone Else", safe_contact_notes="Call any time", voicemail_safe=True)
    doc["updated_at"] = later
    doc["decisions"][0].update(outcome="positive", updated_at=later)
    doc["events"].append(
        {
            "id": str(uuid.uuid4()),
            "date": "2025-02-01",
            "title": "Planted event",
            "created_at": later,
            "updated_at": later,
        }
    )
    doc.update(attachments=[], withheld=[])
    code, key_out, _ = run_cli(capsys, "identity", "--json", "--vault", str(v["a"]))
    write_bundle_file(
        out,
        cases=[doc],
        attachments=[],
        sender=Sender("Arbër Hoxha", signer.age_secret, signer.signing_private),
        recipients=[json.loads(key_out)["public_key"]],
    )
    return out


def test_hole1_an_unknown_or_unshared_signer_never_silently_changes_a_case(two_vaults, capsys) -> None:
    """Issue 19, hole 1: every change from a sender the case was not shared with or by (or who
    is not in the address book) is a conflict the advocate sees (mine and theirs) and confirms;
    without a policy the import refuses; with "mine" nothing of theirs arrives."""
    from imsa_desktop.bundle import new_identity

    v = two_vaults
    stranger = new_identity()
    bundle = _forged_update(v, capsys, stranger, v["tmp"] / "forged.imsabundle")
    before = dump(v["a"])
    code, out, err = run_cli(capsys, "import", str(bundle), "--dry-run", "--json", "--vault", str(v["a"]))
    assert code == 0, err
    case = json.loads(out)["cases"][0]
    assert case["sender_trusted"] is False and case["status"] == "conflicts"
    kinds = sorted((c["kind"], c["added"]) for c in case["conflicts"])
    assert kinds == [("case", False), ("decision", False), ("event", True)]
    details = next(c for c in case["conflicts"] if c["kind"] == "case")
    assert details["theirs"]["survivor"]["full_name"] == "Someone Else"
    assert details["mine"]["survivor"]["full_name"] == "Nguyễn Thị Hồng"

    code, _, err = run_cli(capsys, "import", str(bundle), "--vault", str(v["a"]))  # no policy: refused
    assert code == 1 and "need your choice" in err and len(err.strip().splitlines()) == 1
    assert dump(v["a"]) == before
    # in the address book but never a party to this case: still a conflict for every change
    from imsa_desktop.services.identity import contact_card

    card = contact_card(stranger.age_public, stranger.signing_public_b64)
    assert run_cli(capsys, "contacts", "add", "Arbër Hoxha", card, "--vault", str(v["a"]))[0] == 0
    code, out, _ = run_cli(capsys, "import", str(bundle), "--dry-run", "--json", "--vault", str(v["a"]))
    assert json.loads(out)["cases"][0]["sender_trusted"] is False
    assert len(json.loads(out)["cases"][0]["conflicts"]) == 3
    code, _, err = run_cli(capsys, "import", str(bundle), "--conflicts", "mine", "--vault", str(v["a"]))
    assert code == 0, err
    doc = show(capsys, v["a"], v["case"])
    assert doc["survivor"]["full_name"] == "Nguyễn Thị Hồng"
    assert doc["survivor"]["safe_contact_notes"] == "Call only after 6pm"
    assert doc["decisions"][0]["outcome"] == "negative"
    assert [e["title"] for e in doc["events"]] == ["Recruited with a false job offer"]  # nothing added

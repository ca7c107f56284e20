"""Issue 19, holes 5-10: what trying to break ``imsa`` found, each reproduced, then fixed.

Real ``imsa`` subprocesses (exit code, exactly one sentence on stderr, no traceback) over real
vaults. Bundles are made with the bundle writer directly so they can lie where a sender's app
never would.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.bundle import AttachmentSource, Sender, new_identity, write_bundle_file
from imsa_desktop.cli.safe_output import escape
from imsa_desktop.domain.dates import FuzzyDate
from imsa_desktop.domain.model import TimelineEvent
from tests.conftest import PASSPHRASE
from tests.integration.test_cli_core import Cli, _init, one_sentence

STRANGER = new_identity()


@pytest.fixture
def cli(private_home: Path, tmp_path: Path) -> Cli:
    c = Cli(private_home, tmp_path / "vaults" / "vault.imsa")
    _init(c)
    return c


def _add(cli: Cli, doc: Any) -> str:
    p = cli("case", "add", "-", stdin=json.dumps(doc))
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def _my_key(cli: Cli) -> str:
    p = cli("identity", "--json")
    assert p.returncode == 0, p.stderr
    return str(json.loads(p.stdout)["public_key"])


def _bundle(
    cli: Cli,
    path: Path,
    cases: list[dict[str, Any]],
    attachments: list[AttachmentSource] = (),
    name: str = "Ana",
) -> Path:  # type: ignore[assignment]
    write_bundle_file(
        path,
        cases=cases,
        attachments=list(attachments),
        sender=Sender(name, STRANGER.age_secret, STRANGER.signing_private),
        recipients=[_my_key(cli)],
    )
    return path


def _case_doc(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": str(uuid.uuid4()), "survivor": {"full_name": "Mariam Haddad مريم"}}
    doc.update(extra)
    return doc


# ---- hole 5: control characters never reach the terminal ------------------------------------


def test_hole5_escape_sequences_in_a_sender_name_are_shown_escaped(cli: Cli, tmp_path: Path) -> None:
    spoof = "Mallory\x1b[2K\r\x1b[1AFrom: Paweł Wiśniewski (in your address book)\u202e\x9b31m"
    bundle = _bundle(cli, tmp_path / "spoof.imsabundle", [_case_doc()], name=spoof)
    for args in (("import", str(bundle), "--dry-run"), ("import", str(bundle), "--dry-run", "--json")):
        p = cli(*args)
        assert p.returncode == 0, p.stderr
        for raw in ("\x1b", "\r", "\u202e", "\x9b"):
            assert raw not in p.stdout + p.stderr
        assert "\\u001b[2K" in p.stdout and "unverified" in p.stdout + p.stderr or "--json" in args
    p = cli("import", str(bundle), "--dry-run", "--json")
    assert json.loads(p.stdout)["sender"]["name"] == spoof  # the JSON still carries the exact text


def test_hole5_the_escaping_round_trips_through_json() -> None:
    text = "a\x00b\x1bc\x7fd\x85e\u202ef\u2066g\ud800h\ni\tj"
    escaped = escape(json.dumps(text, ensure_ascii=False))
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", escaped)
    assert json.loads(escaped) == text


# ---- hole 6: long text has limits at the model, and PDFs refuse instead of hanging -------------


def test_hole6_field_limits_and_pdfs_refuse_over_long_text(cli: Cli, tmp_path: Path) -> None:
    line = one_sentence(cli("case", "add", "-", stdin=json.dumps(_case_doc(notes="x" * 100_000))))
    assert "notes is too long" in line and "20,000" in line
    line = one_sentence(
        cli("case", "add", "-", stdin=json.dumps(_case_doc(survivor={"full_name": "Ana " * 1000})))
    )
    assert "survivor.full_name is too long" in line

    long_note = ("Safe to call after six; never leave a voicemail. " * 400)[:20_000]
    cid = _add(cli, _case_doc(survivor={"full_name": "Mariam Haddad", "safe_contact_notes": long_note}))
    p = cli("summary", cid, "--out", str(tmp_path / "summary.pdf"))
    assert p.returncode == 0, p.stderr
    assert len(re.findall(rb"/Type /Page\b", (tmp_path / "summary.pdf").read_bytes())) >= 3  # paginated

    # text stored before the limits existed: refused with a sentence, at once
    vault = vault_service.unlock(cli.vault, PASSPHRASE)
    try:
        with vault.unit_of_work() as uow:
            uow.events.add(TimelineEvent(case_id=cid, date=FuzzyDate.parse("2024-06"), title="y" * 1_000_000))
            uow.commit()
    finally:
        vault.close()
    line = one_sentence(cli("timeline", cid, "--out", str(tmp_path / "t.pdf")))
    assert "too long to print" in line and len(line) < 300
    assert not (tmp_path / "t.pdf").exists()


# ---- hole 7: the model refuses nonsense, one sentence naming the field ------------------------


NONSENSE = [
    ({"survivor": {"full_name": "\u200b"}}, "survivor.full_name has no visible characters"),
    ({"survivor": {"full_name": "\u202e"}}, "survivor.full_name contains an invisible text-direction"),
    ({"survivor": {"full_name": "Ana\u0000Hoxha"}}, "survivor.full_name contains a control character"),
    ({"survivor": {"full_name": "Ana\u0007"}}, "survivor.full_name contains a control character"),
    ({"survivor": {"full_name": "Ana"}, "code": ""}, "code must be 1 to 32"),
    ({"survivor": {"full_name": "Ana"}, "id": "case-1"}, "id must be a lower-case UUID"),
    (
        {
            "survivor": {"full_name": "Ana"},
            "appointments": [{"title": "GP", "start": "2025-03-04T10:00", "reminder_minutes": 10**30}],
        },
        "appointments[0].reminder_minutes must be a whole number from 0 to 40,320",
    ),
    (
        {
            "survivor": {"full_name": "Ana"},
            "appointments": [{"title": "GP", "start": "2025-03-04T10:00", "reminder_minutes": -1}],
        },
        "appointments[0].reminder_minutes",
    ),
    (
        {"survivor": {"full_name": "Ana"}, "re_referral_count": 10**30},
        "re_referral_count must be a whole number",
    ),
    (
        {"survivor": {"full_name": "Ana", "date_of_birth": "0001-01-01"}},
        "survivor.date_of_birth must be a date between 1900",
    ),
]


@pytest.mark.parametrize(("doc", "says"), NONSENSE, ids=[s for _, s in NONSENSE])
def test_hole7_nonsense_is_refused_naming_the_field(cli: Cli, doc: dict[str, Any], says: str) -> None:
    line = one_sentence(cli("case", "add", "-", stdin=json.dumps(doc)))
    assert says in line
    assert cli("case", "list", "--json").stdout.strip() in ("[]", "")


def test_hole7_duplicate_json_keys_and_duplicate_codes(cli: Cli) -> None:
    line = one_sentence(
        cli("case", "add", "-", stdin='{"survivor": {"full_name": "Ana", "full_name": "Bob"}}')
    )
    assert "the key 'full_name' twice" in line
    _add(cli, {"survivor": {"full_name": "Ana"}, "code": "ABC-123"})
    line = one_sentence(
        cli("case", "add", "-", stdin=json.dumps({"survivor": {"full_name": "Bo"}, "code": "ABC-123"}))
    )
    assert "code 'ABC-123' is already used by another case" in line


# ---- hole 8: ids are unique across record kinds ------------------------------------------------


def test_hole8_an_id_used_by_another_record_is_refused_and_search_keeps_it(cli: Cli, tmp_path: Path) -> None:
    first = _add(
        cli,
        {
            "survivor": {"full_name": "Trần Văn Nam"},
            "evidence": [{"id": str(uuid.UUID(int=7)), "title": "Thornbury payslips"}],
        },
    )
    evidence_id = str(uuid.UUID(int=7))
    line = one_sentence(
        cli("case", "add", "-", stdin=json.dumps({"id": evidence_id, "survivor": {"full_name": "Ana"}}))
    )
    assert "already used by another record" in line
    line = one_sentence(
        cli(
            "case",
            "add",
            "-",
            stdin=json.dumps(
                {"survivor": {"full_name": "Ana"}, "events": [{"id": first, "title": "x", "date": "2024"}]}
            ),
        )
    )
    assert "events[0].id" in line and "already used by a case" in line
    # and from a bundle: a new case whose id is that evidence's id
    bundle = _bundle(
        cli, tmp_path / "clash.imsabundle", [{"id": evidence_id, "survivor": {"full_name": "Ana"}}]
    )
    for args in (("verify", str(bundle)), ("import", str(bundle), "--dry-run"), ("import", str(bundle))):
        assert "already used by another record" in one_sentence(cli(*args))
    hits = cli("search", "Thornbury", "--json")
    assert hits.returncode == 0 and evidence_id in hits.stdout


# ---- hole 9: verify and dry-run refuse what import refuses ------------------------------------


def _lying_bundles(cli: Cli, folder: Path, other_case: str, other_event: str) -> dict[str, Path]:
    scan = b"fictional scan of a tenancy agreement\n" * 100
    att_id, ev_id = str(uuid.uuid4()), str(uuid.uuid4())

    def with_attachment(**lie: Any) -> dict[str, Any]:
        meta = {
            "id": att_id,
            "evidence_id": ev_id,
            "filename": "tenancy.pdf",
            "media_type": "application/pdf",
            "size": len(scan),
            "sha256": hashlib.sha256(scan).hexdigest(),
            "created_at": "2025-01-20T09:30:00+00:00",
        }
        meta.update(lie)
        return _case_doc(evidence=[{"id": ev_id, "title": "Tenancy"}], attachments=[meta])

    source = AttachmentSource(att_id, len(scan), lambda: io.BytesIO(scan))
    made = {
        "size": ([with_attachment(size=len(scan) + 5)], [source]),
        "hash": ([with_attachment(sha256="0" * 64)], [source]),
        "date": ([with_attachment(created_at="yesterday")], [source]),
        "other-case-record": ([_case_doc(events=[{"id": other_event, "title": "x", "date": "2024"}])], []),
        "bad-date": ([_case_doc(events=[{"title": "x", "date": "32/13/2024"}])], []),
        "case-id-of-record": ([{"id": other_event, "survivor": {"full_name": "Ana"}}], []),
    }
    out = {k: _bundle(cli, folder / f"{k}.imsabundle", cases, atts) for k, (cases, atts) in made.items()}
    # a lone surrogate can only travel as a JSON escape ("\ud800"): write that case ASCII-escaped
    from imsa_desktop.bundle import format as fmt

    original = fmt.encode_case
    fmt.encode_case = lambda case: json.dumps(case, sort_keys=True, separators=(",", ":")).encode()  # type: ignore[assignment]
    try:
        out["surrogate"] = _bundle(
            cli, folder / "surrogate.imsabundle", [_case_doc(survivor={"full_name": "Ana\ud800"})]
        )
    finally:
        fmt.encode_case = original  # type: ignore[assignment]
    return out


def test_hole9_verify_and_dry_run_refuse_every_bundle_import_refuses(cli: Cli, tmp_path: Path) -> None:
    other_event = str(uuid.uuid4())
    other_case = _add(
        cli,
        {"survivor": {"full_name": "Ana"}, "events": [{"id": other_event, "title": "met", "date": "2024"}]},
    )
    before = cli("case", "list", "--json").stdout
    for name, bundle in _lying_bundles(cli, tmp_path, other_case, other_event).items():
        for args in (("verify", str(bundle)), ("import", str(bundle), "--dry-run"), ("import", str(bundle))):
            line = one_sentence(cli(*args))
            assert "not changed" in line or "damaged" in line, (name, args, line)
    assert cli("case", "list", "--json").stdout == before


# ---- hole 10: clear messages, values cut short ---------------------------------------------------


@pytest.mark.parametrize(
    ("stdin", "says"),
    [
        (
            json.dumps(
                {
                    "survivor": {"full_name": "Ana"},
                    "appointments": [{"title": "GP", "start": "2025-03-04T10:00Z"}],
                }
            ),
            "without a UTC offset",
        ),
        (
            json.dumps(
                {
                    "survivor": {"full_name": "Ana"},
                    "appointments": [
                        {"title": "GP", "start": "2025-03-04T10:00", "end": "2025-03-04T11:00+01:00"}
                    ],
                }
            ),
            "without a UTC offset",
        ),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
        ('{"survivor": {"full_name": "Ana"}, "re_referral_count": ' + "9" * 5000 + "}", "too many digits"),
        (json.dumps({"survivor": {"full_name": "Ana"}, "jurisdiction": "x" * 1_000_000}), "is not one of"),
        (json.dumps({"survivor": {"full_name": "Ana"}, "created_at": "y" * 1_000_000}), "is not a real date"),
    ],
    ids=["Z", "offset", "deep", "digits", "long-enum", "long-date"],
)
def test_hole10_each_bad_input_gets_its_own_short_sentence(cli: Cli, stdin: str, says: str) -> None:
    line = one_sentence(cli("case", "add", "-", stdin=stdin))
    assert says in line and "unexpected" not in line
    assert len(line) < 400


def test_hole10_invalid_utf8_on_stdin(cli: Cli, tmp_path: Path) -> None:
    import subprocess

    p = subprocess.run(
        [str(cli_path()), "case", "add", "-"],
        input=b'{"survivor": {"full_name": "Ana \xff\xfe"}}',
        capture_output=True,
        env=cli.env(),
        timeout=60,
        check=False,
    )
    assert p.returncode == 1 and b"Traceback" not in p.stderr
    assert b"is not UTF-8 text" in p.stderr and len(p.stderr.splitlines()) == 1


def cli_path() -> Path:
    from tests.integration.test_cli_core import IMSA

    return IMSA

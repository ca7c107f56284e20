"""A whole journey through the product, then a byte scan for leaks.

With a private HOME, TMPDIR and XDG folders, drive the CLI (the same services as the GUI):
create a vault, add cases with seeded names and note text, attach a file, search, write a
reconsideration letter and a timeline PDF, export a calendar, share a bundle, make a backup,
run a subject-access export, erase a case. Then scan EVERY file written anywhere under the
private HOME (logs, caches, temp files, settings) except the vault itself and the outputs the
user asked for: no seeded name, alias, note text, reference or attachment content may appear,
in UTF-8 or UTF-16. Outputs that should be opaque (the bundle and backup, encrypted; the
calendar, pseudonymous by default) are scanned as well.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PASSPHRASE

NAME = "Nguyễn Thị Hồng"
ALIAS = "Hong Nguyen"
SECOND = "Arbër Hoxha"
NOTE = "Locked in the grow house at Wexcombe Farm for eleven months"
REFERENCE = "NRM-LEAK-778899"
ATTACHMENT_TEXT = "Dr Quillfeather confirms symptoms consistent with prolonged trauma"

SEEDS = [NAME, ALIAS, SECOND, "Wexcombe", REFERENCE, "Quillfeather", "Nguyễn", "Hoxha"]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "IMSA_"))}
    env.update(
        HOME=str(home),
        TMPDIR=str(home / "tmp"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local/state"),
        IMSA_PASSPHRASE=PASSPHRASE,
        IMSA_INSECURE_FAST_KDF_FOR_TESTS="1",
        BUNDLE_PASS="a long shared bundle passphrase for the journey test",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    return env


def _imsa(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "from imsa_desktop.cli.main import main; raise SystemExit(main())", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, (args, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


def _patterns() -> list[bytes]:
    out: list[bytes] = []
    for s in SEEDS + [NOTE, ATTACHMENT_TEXT]:
        out += [s.encode("utf-8"), s.encode("utf-16-le"), s.encode("utf-16-be")]
    return out


def _hits(path: Path, patterns: list[bytes]) -> list[str]:
    data = path.read_bytes()
    return [p.decode("utf-8", "replace") for p in patterns if p in data]


def test_a_whole_journey_leaves_no_case_data_outside_the_vault(tmp_path: Path) -> None:
    home = tmp_path / "home"
    out = tmp_path / "chosen-outputs"  # what the user explicitly asked to be written
    for folder in (home / "tmp", out):
        folder.mkdir(parents=True)
    env = _env(home)
    vault = home / ".local/share/IMSA Desktop/vault.imsa"

    _imsa(env, "init", "--name", "Sam Example")
    assert vault.exists(), "the default vault lives in the per-user data folder"

    doc = {
        "survivor": {"full_name": NAME, "aliases": [ALIAS], "nationality": "Vietnamese"},
        "referral": {"date": "2025-01-06", "first_responder": "Example Council", "reference": REFERENCE},
        "decisions": [
            {
                "kind": "reasonable_grounds",
                "outcome": "negative",
                "date": "2025-01-20",
                "reference": REFERENCE,
            }
        ],
        "consents": [
            {
                "purpose": "share_advocate",
                "date": "2025-01-06",
                "given": True,
                "scope": ["case", "attachments", "safeguarding", "contact_details"],
            }
        ],
        "events": [{"date": "2024-03/2025-01", "title": NOTE, "kind": "exploitation"}],
        "appointments": [{"start": "2025-02-03T10:00", "title": "Solicitor about Wexcombe", "kind": "legal"}],
        "evidence": [
            {"title": "GP letter", "source": "Dr Quillfeather", "body": NOTE, "date_obtained": "2025-01-25"}
        ],
    }
    (tmp_path / "case.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    case_id = _imsa(env, "case", "add", str(tmp_path / "case.json")).strip()
    (tmp_path / "other.json").write_text(
        json.dumps({"survivor": {"full_name": SECOND}, "notes": "Met at Wexcombe"}, ensure_ascii=False),
        encoding="utf-8",
    )
    other_id = _imsa(env, "case", "add", str(tmp_path / "other.json")).strip()
    shown = json.loads(_imsa(env, "case", "show", case_id, "--json"))
    evidence_id = shown["evidence"][0]["id"]
    decision_id = shown["decisions"][0]["id"]

    scan = tmp_path / "gp-letter.txt"  # the user's own file, outside HOME
    scan.write_text(ATTACHMENT_TEXT * 200, encoding="utf-8")
    attachment_id = _imsa(env, "attach", case_id, evidence_id, str(scan)).strip()

    assert NAME in _imsa(env, "search", "nguyen")
    assert NAME in _imsa(env, "search", "wexcombe grow")
    _imsa(env, "extract", case_id, attachment_id, str(out / "gp-letter-copy.txt"))
    _imsa(
        env,
        "letter",
        "reconsideration",
        case_id,
        "--decision",
        decision_id,
        "--ground",
        "new_evidence",
        "--enclose",
        evidence_id,
        "--shows",  # a letter cannot be sent until each enclosure says what it shows
        f"{evidence_id}=Injuries consistent with her account",
        "--today",
        "2025-02-01",
        "--out",
        str(out / "letter.pdf"),
    )
    _imsa(env, "timeline", case_id, "--out", str(out / "timeline.pdf"))
    _imsa(env, "ics", "--out", str(out / "calendar.ics"))
    _imsa(env, "deadlines", "--today", "2025-02-01", "--json")
    _imsa(
        env, "export", case_id, "--out", str(out / "handover.imsa-bundle"), "--passphrase-env", "BUNDLE_PASS"
    )
    _imsa(env, "backup", "--out", str(out / "backup.imsa-backup"))
    (out / "sar").mkdir()
    _imsa(env, "sar", other_id, "--out-dir", str(out / "sar"))
    _imsa(env, "audit", "--json")
    _imsa(env, "erase", other_id, "--yes")

    # The user's chosen outputs exist and hold what they should (a sanity check on the journey).
    assert (out / "letter.pdf").stat().st_size > 1000
    assert (out / "gp-letter-copy.txt").read_text(encoding="utf-8") == ATTACHMENT_TEXT * 200

    patterns = _patterns()
    vault_files = {vault, *(vault.with_name(vault.name + s) for s in ("-wal", "-shm", ".keys"))}
    scanned, leaks = 0, {}
    for path in home.rglob("*"):
        if path.is_file() and not path.is_symlink() and path not in vault_files:
            scanned += 1
            found = _hits(path, patterns)
            if found:
                leaks[str(path.relative_to(home))] = found
    assert leaks == {}, f"case data written outside the vault: {leaks}"
    # Logs exist (so the scan covered them) and the temp folder was cleaned up.
    assert any(p.suffix == ".log" for p in home.rglob("*")), "expected the app log to be scanned"
    assert scanned >= 1
    assert list((home / "tmp").iterdir()) == []

    # Outputs that must not reveal the case even though the user chose to write them.
    for opaque in ("handover.imsa-bundle", "backup.imsa-backup", "calendar.ics"):
        assert _hits(out / opaque, patterns) == [], opaque

    # The vault itself holds everything encrypted: no plaintext there either.
    for f in vault_files:
        if f.exists():
            assert _hits(f, patterns) == [], f.name

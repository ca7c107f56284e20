"""`imsa deadlines` and `imsa ics`: output, JSON, exit codes and messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from imsa_desktop.cli import main as cli
from imsa_desktop.services import cases as case_service
from tests.helpers import case_doc, decision, new_vault, run_cli


@pytest.fixture
def cli_vault(vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    court = {"start": "2025-10-26T10:00", "end": "2025-10-26T11:30", "title": "Court", "kind": "court"}
    hong = {
        "survivor": {"full_name": "Nguyễn Thị Hồng"},
        "referral": {"date": "2025-01-06"},
        "decisions": [{"kind": "reasonable_grounds", "outcome": "negative", "date": "2025-01-20"}],
        "appointments": [{"start": "2025-03-30T10:00", "title": "GP", "kind": "gp"}, court],
    }
    pawel = {"survivor": {"full_name": "Paweł Wiśniewski"}, "referral": {"date": "2025-01-27"}}
    with new_vault(vault_path, monkeypatch) as v:
        a = case_service.add_case(v.unit_of_work(), hong)
        b = case_service.add_case(v.unit_of_work(), pawel)
    return vault_path, a, b


def test_deadlines_json_within_and_case(cli_vault, capsys) -> None:  # type: ignore[no-untyped-def]
    path, a, b = cli_vault
    code, out, err = run_cli(capsys, "deadlines", "--vault", str(path), "--today", "2025-02-01", "--json")
    assert code == 0, err
    rows = json.loads(out)
    recon = next(r for r in rows if r["case_id"] == a and r["rule"].startswith("reconsideration"))
    assert (recon["due"], recon["state"], recon["days_left"]) == ("2025-02-19", "upcoming", 18)
    assert "Statutory Guidance" in recon["source"]
    code, out, _ = run_cli(
        capsys, "deadlines", "--vault", str(path), "--today", "2025-02-01", "--within", "7", "--json"
    )
    assert {r["case_id"] for r in json.loads(out)} == {b}  # RG target for the 27 January referral: 3 Feb
    code, out, _ = run_cli(capsys, "deadlines", "--vault", str(path), "--today", "2025-02-01", "--case", a)
    assert code == 0 and "2025-02-19" in out and "Reconsideration" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--today", "2025-02-30"], "The date '2025-02-30' is not a real date."),
        (["--today", "1/2/2025"], "is not a date in the form YYYY-MM-DD"),
        (["--case", "no-such-case"], "no case with that id"),
        (["--within", "-3"], "zero or more"),
    ],
)
def test_deadlines_bad_input_exit_1_one_sentence(cli_vault, capsys, argv, message) -> None:  # type: ignore[no-untyped-def]
    path, _a, _b = cli_vault
    code, out, err = run_cli(capsys, "deadlines", "--vault", str(path), *argv)
    assert code == 1
    assert message in err and "Traceback" not in err and out == ""
    assert err.count("\n") == 1


def test_usage_error_is_exit_2(cli_vault, capsys) -> None:  # type: ignore[no-untyped-def]
    path, _a, _b = cli_vault
    with pytest.raises(SystemExit) as e:
        cli.main(["deadlines", "--vault", str(path), "--within", "soon"])
    assert e.value.code == 2


def test_ics_writes_a_pseudonymous_calendar(cli_vault, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, a, _b = cli_vault
    out_file = tmp_path / "appointments.ics"
    code, _out, err = run_cli(capsys, "ics", "--vault", str(path), "--case", a, "--out", str(out_file))
    assert code == 0, err
    data = out_file.read_bytes()
    assert b"Nguy" not in data
    cal = Calendar.from_ical(data)
    starts = sorted(e.decoded("dtstart").astimezone(UTC) for e in cal.walk("VEVENT"))
    assert starts == [datetime(2025, 3, 30, 9, 0, tzinfo=UTC), datetime(2025, 10, 26, 10, 0, tzinfo=UTC)]
    code, _out, err = run_cli(capsys, "ics", "--vault", str(path), "--out", str(tmp_path / "x.txt"))
    assert code == 1 and ".ics" in err
    assert not (tmp_path / "x.txt").exists()


def test_ics_can_include_deadlines_as_all_day_events_with_a_reminder(
    cli_vault, capsys, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    path, a, _b = cli_vault
    out_file = tmp_path / "agenda.ics"
    code, _out, err = run_cli(
        capsys,
        "ics",
        "--vault",
        str(path),
        "--case",
        a,
        "--deadlines",
        "--today",
        "2025-02-01",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    assert "2 appointment(s) and 2 deadline(s)" in err
    data = out_file.read_bytes()
    assert b"Nguy" not in data and "Hồng".encode() not in data
    cal = Calendar.from_ical(data)
    deadlines = [e for e in cal.walk("VEVENT") if str(e.get("summary")).startswith("Deadline:")]
    by_summary = {str(e.get("summary")): e for e in deadlines}
    recon = next(e for s, e in by_summary.items() if "Reconsideration request" in s)
    assert recon.decoded("dtstart") == date(2025, 2, 19)  # a DATE: an all-day event
    assert recon.decoded("dtend") == date(2025, 2, 20)
    [alarm] = recon.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(days=3)
    assert "case " in str(recon.get("summary")) and "Modern Slavery: Statutory Guidance" in str(
        recon.get("description")
    )
    assert any("Judicial review" in s for s in by_summary)


def test_cli_json_gives_counting_wording_and_what_is_to_be_confirmed(cli_vault, capsys) -> None:  # type: ignore[no-untyped-def]
    path, a, _b = cli_vault
    code, out, err = run_cli(
        capsys, "deadlines", "--vault", str(path), "--today", "2025-02-01", "--case", a, "--json"
    )
    assert code == 0, err
    rows = {r["rule"]: r for r in json.loads(out)}
    jr = rows["judicial_review_ew"]
    assert (jr["due"], jr["counting"]) == ("2025-04-20", "after")
    assert "not later than 3 months after" in jr["wording"]
    recon = rows["reconsideration_rg_2025_jan"]
    assert recon["guidance_version"] == "16 January 2025 update" and recon["to_be_confirmed"]
    assert recon["caution"] == ""  # the para 14.216 bar only exists from 17 September 2025


def test_cli_says_why_there_is_no_date(vault_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    barred_rg = decision("reasonable_grounds", "negative", "2025-10-01", removal_bar="yes")
    with new_vault(vault_path, monkeypatch) as v:
        barred = case_service.add_case(v.unit_of_work(), case_doc("Arbër Hoxha", barred_rg))
        old_rg = decision("reasonable_grounds", "negative", "2024-02-05")
        case_service.add_case(v.unit_of_work(), case_doc("Nguyễn Văn An", old_rg))
    code, out, err = run_cli(capsys, "deadlines", "--vault", str(vault_path), "--today", "2025-10-02")
    assert code == 0, err
    lines = out.splitlines()
    assert any(
        "no date" in ln and "No reconsideration of the negative RG of 1 October 2025" in ln for ln in lines
    )
    assert any(
        "no date" in ln and "No fixed time limit applied to the negative RG of 5 February 2024" in ln
        for ln in lines
    )
    assert any(ln.startswith("2026-01-01") and "Judicial review" in ln for ln in lines)
    code, out, _ = run_cli(
        capsys, "deadlines", "--vault", str(vault_path), "--today", "2025-10-02", "--case", barred, "--json"
    )
    assert [r["rule"] for r in json.loads(out)] == ["judicial_review_ew"]

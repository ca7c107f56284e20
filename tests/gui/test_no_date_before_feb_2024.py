"""No screen or command prints a reconsideration date for a decision before 12 February 2024.

Before the 12 February 2024 guidance update no fixed time limit applied (docs/legal-sources.md).
A negative RG of 5 February 2024 and a negative CG of 9 November 2023: the dates a wrong engine
would print (one month or 30 days later) must appear nowhere; the judicial review limit, which
does apply, must.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from imsa_desktop.cli import main as cli
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.domain.dates import format_date
from imsa_desktop.domain.deadlines import add_months
from imsa_desktop.services import cases as case_service
from imsa_desktop.store.vault import Vault
from tests.conftest import PASSPHRASE
from tests.gui.screen_text import screen_text

RG_ON = date(2024, 2, 5)
CG_ON = date(2023, 11, 9)
TODAY = date(2024, 2, 16)  # not itself one of the dates a wrong rule would give


def _wrong_dates() -> set[date]:
    out: set[date] = set()
    for d in (RG_ON, CG_ON):
        for n in (13, 14, 15, 28, 29, 30, 31):  # any day-count a wrong rule might use
            out.add(d + timedelta(days=n))
        out.add(add_months(d, 1))
    return out


def _forms(d: date) -> list[str]:
    return [d.isoformat(), format_date(d)]


DOCS = [
    {
        "survivor": {"full_name": "Nguyễn Văn An"},
        "decisions": [{"kind": "reasonable_grounds", "outcome": "negative", "date": RG_ON.isoformat()}],
    },
    {
        "survivor": {"full_name": "Blerta Krasniqi"},
        "jurisdiction": "scotland",
        "decisions": [{"kind": "conclusive_grounds", "outcome": "negative", "date": CG_ON.isoformat()}],
    },
]


def _assert_clean(text: str, where: str) -> None:
    for d in _wrong_dates():
        for form in _forms(d):
            assert form not in text, f"{where} prints {form}"


def test_cli_prints_no_reconsideration_date(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    v, _ = Vault.create(vault_path, PASSPHRASE, "Test Advocate", TEST_PARAMS)
    try:
        for doc in DOCS:
            case_service.add_case(v.unit_of_work(), doc)
    finally:
        v.close()
    monkeypatch.setenv("IMSA_PASSPHRASE", PASSPHRASE)
    outputs = []
    for extra in ([], ["--json"], ["--all"], ["--all", "--json"]):
        code = cli.main(["deadlines", "--vault", str(vault_path), "--today", TODAY.isoformat(), *extra])
        out, err = capsys.readouterr()
        assert code == 0, err
        outputs.append(out + err)
        _assert_clean(out + err, f"imsa deadlines {' '.join(extra)}")
    rows = json.loads(outputs[1])
    assert not any(r["rule"].startswith("reconsideration") for r in rows)
    # The judicial review limit does apply and is shown: 5 May 2024 (E&W), 8 Feb 2024 (Scotland).
    assert {r["due"] for r in rows} >= {"2024-05-05"}


def test_screens_print_no_reconsideration_date(app, qtbot, vault, vault_path, clock) -> None:  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features.dashboard import TodayDashboard
    from imsa_desktop.ui.features.deadlines import AllDeadlinesDialog, DeadlinesTab
    from imsa_desktop.ui.session import Session

    ids = [case_service.add_case(vault.unit_of_work(), doc, clock=clock) for doc in DOCS]
    session = Session(vault_path, clock=clock, today=lambda: TODAY)
    session.attach(vault)

    dash = TodayDashboard(session)
    qtbot.addWidget(dash)
    dash.refresh()
    today_text = screen_text(dash)
    _assert_clean(today_text, "the Today page")
    assert "5 May 2024" in today_text  # judicial review from the negative RG is on the page

    tab = DeadlinesTab(session)
    qtbot.addWidget(tab)
    for cid in ids:
        tab.load(cid)
        for r in range(tab.table.rowCount()):
            tab.table.selectRow(r)
            _assert_clean(screen_text(tab), "the Deadlines tab")
        assert "No fixed time limit applied" in tab.notes.text()

    dialog = AllDeadlinesDialog(session)
    qtbot.addWidget(dialog)
    dialog.include_met.setChecked(True)
    _assert_clean(screen_text(dialog), "the all-deadlines view")
    assert dialog.table.rowCount() >= 2

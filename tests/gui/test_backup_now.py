"""GUI (issue 19): the Today page reminds when the last verified backup is too old (a setting,
7 days by default) and "Back up now" makes a verified passphrase backup, with progress and
cancel; a cancelled run keeps nothing new and leaves the previous backup as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from imsa_desktop.bundle import verify_bundle
from imsa_desktop.errors import Cancelled
from imsa_desktop.services import backup as backup_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.session import Session

PASS = "a backup passphrase for Thornbury, fictional"


@pytest.fixture
def dash(qtbot, vault, vault_path, clock):  # type: ignore[no-untyped-def]
    from imsa_desktop.ui.features.dashboard import TodayDashboard

    case_service.add_case(vault.unit_of_work(), {"survivor": {"full_name": "Nguyễn Thị Hồng"}}, clock=clock)
    session = Session(vault_path, clock=clock)
    session.attach(vault)
    d = TodayDashboard(session)
    qtbot.addWidget(d)
    d.refresh()
    return d


def test_reminder_then_back_up_now_then_no_reminder_until_the_setting_passes(
    dash, qtbot, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    assert dash.backup_reminder.isVisibleTo(dash)
    assert "no verified backup yet" in dash.backup_reminder.text()
    assert dash.backup_days.value() == 7

    dash.back_up_now()
    dialog = dash.backup_dialog
    out = tmp_path / "weekly.imsa-backup"
    dialog.path.setText(str(out))
    dialog.passphrase.setText(PASS)
    dialog.repeat.setText("not the same")
    dialog.begin()
    assert "same passphrase twice" in dialog.banner.text() and not out.exists()
    dialog.repeat.setText(PASS)
    dialog.begin()
    qtbot.waitUntil(lambda: dialog.result_path is not None, timeout=60_000)
    assert dialog.progress.value() == 100 and "verified" in dialog.banner.text()
    if os.environ.get("IMSA_SCREENSHOTS_DIR"):
        dialog.adjustSize()
        dialog.grab().save(str(Path(os.environ["IMSA_SCREENSHOTS_DIR"]) / "backup_now.png"))
    with open(out, "rb") as f:
        assert verify_bundle(f, passphrase=PASS).case_count == 1
    dialog.reject()
    dash.show_backup_reminder()
    assert not dash.backup_reminder.isVisibleTo(dash)

    clock.advance(days=3)
    dash.backup_days.setValue(2)
    dash._backup_days_changed()  # the setting is kept in the vault
    assert backup_service.reminder_days(dash.session.uow()) == 2
    assert "3 days ago" in dash.backup_reminder.text() and dash.backup_reminder.isVisibleTo(dash)


def test_cancel_keeps_the_previous_backup_and_no_new_file(dash, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "backups").mkdir()
    out = tmp_path / "backups" / "weekly.imsa-backup"
    out.write_bytes(b"the previous backup")
    dash.back_up_now()
    dialog = dash.backup_dialog
    dialog.path.setText(str(out))
    dialog.passphrase.setText(PASS)
    dialog.repeat.setText(PASS)
    real = backup_service.backup_vault

    def cancel_midway(*args, **kwargs):  # type: ignore[no-untyped-def]
        progress = kwargs["progress"]

        def press_cancel(done: int, total: int) -> None:
            progress(done, total)
            if dialog._flag is not None and done > 0:
                dialog._cancel()  # what the Cancel button does while it runs

        kwargs["progress"] = press_cancel
        return real(*args, **kwargs)

    monkeypatch.setattr(backup_service, "backup_vault", cancel_midway)
    dialog.begin()
    qtbot.waitUntil(lambda: dialog._flag is None, timeout=60_000)
    assert dialog.result_path is None and dialog.banner.text() == Cancelled().user_message
    assert out.read_bytes() == b"the previous backup"
    assert sorted(p.name for p in out.parent.iterdir()) == ["weekly.imsa-backup"]  # no temp left
    assert "no verified backup yet" in (
        backup_service.backup_reminder(dash.session.uow(), dash.session.clock()) or ""
    )

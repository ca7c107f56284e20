"""Logs and crash reports never hold case data."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from imsa_desktop import __main__ as app_main
from imsa_desktop import logsetup

NAME = "Nguyễn Thị Hồng"
NOTE = "she was kept at the Qyteza brickworks"


def _log_text() -> str:
    for h in logsetup.log.handlers:
        h.flush()
    folder = logsetup.log_dir()
    return "".join(p.read_text(encoding="utf-8") for p in Path(folder).glob("imsa.log*"))


def _fresh_log(monkeypatch) -> None:
    for h in list(logsetup.log.handlers):
        logsetup.log.removeHandler(h)
    monkeypatch.setattr(logsetup, "_configured", False)
    logsetup.configure(logging.INFO)


def test_crash_report_holds_no_name(monkeypatch, private_home: Path) -> None:
    _fresh_log(monkeypatch)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app_main.install_excepthook()
    try:
        raise ValueError(f"could not save case of {NAME}: {NOTE}")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    text = _log_text()
    assert "ValueError" in text and "test_crash_report_holds_no_name" in text  # the report exists
    assert NAME not in text and "Hồng" not in text and "brickworks" not in text
    assert str(logsetup.log_dir()).startswith(str(private_home))


def test_cli_unexpected_error_logs_no_case_text(monkeypatch, capsys) -> None:
    from imsa_desktop.cli import main as cli

    _fresh_log(monkeypatch)

    def boom(args) -> int:
        raise RuntimeError(f"{NAME} {NOTE}")

    monkeypatch.setattr(cli, "cmd_init", boom)
    assert cli.main(["init"]) == 1
    out, err = capsys.readouterr()
    assert NAME not in err and "Traceback" not in err
    text = _log_text()
    assert "RuntimeError" in text and NAME not in text and "brickworks" not in text

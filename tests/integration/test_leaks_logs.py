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


def test_log_files_stay_private_after_rotation(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import logging
    import os

    from imsa_desktop import logsetup

    monkeypatch.setattr(logsetup, "_configured", False)
    monkeypatch.setattr(logsetup, "log_dir", lambda: tmp_path / "log")
    logger = logsetup.log
    old_handlers = list(logger.handlers)
    logger.handlers.clear()
    try:
        logsetup.configure()
        handler = logger.handlers[0]
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        handler.maxBytes = 200
        for _ in range(20):
            logger.info("x" * 50)
        files = sorted((tmp_path / "log").iterdir())
        assert len(files) == 3  # rotated twice
        assert os.stat(tmp_path / "log").st_mode & 0o777 == 0o700
        assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    finally:
        for h in logger.handlers:
            h.close()
        logger.handlers[:] = old_handlers

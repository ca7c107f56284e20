"""A real screen-reader path on Linux: IMSA Desktop under Xvfb, its accessibility tree served
over AT-SPI (at-spi2-core on a private D-Bus session bus), driven by pyatspi as Orca would.

The set-up starts everything it needs (Xvfb, dbus-daemon, the AT-SPI bus launcher, the app)
and stops it again; every wait has a deadline, so the test cannot hang. The system packages
come from `make system-deps` (xvfb dbus-x11 at-spi2-core python3-pyatspi)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from imsa_desktop.services import cases as case_service
from imsa_desktop.services.demo import fill_demo
from tests.conftest import PASSPHRASE

SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
STEP_TIMEOUT = 150.0  # all the steps together; a loaded CI machine is slow to start Qt


def _need(path_or_cmd: str) -> str:
    found = shutil.which(path_or_cmd) or (path_or_cmd if Path(path_or_cmd).exists() else None)
    assert found, (
        f"{path_or_cmd} is missing: run `make system-deps` (xvfb dbus-x11 at-spi2-core python3-pyatspi)"
    )
    return found


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def _read_line(proc: subprocess.Popen[bytes], what: str, timeout: float = 15.0) -> str:
    import select

    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, f"{what} did not start within {timeout:.0f} s"
    line = proc.stdout.readline().decode().strip()
    assert line, f"{what} stopped without saying where it is"
    return line


@pytest.fixture
def desktop_session(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A private X display and D-Bus session with the AT-SPI bus, torn down afterwards."""
    xvfb = _need("Xvfb")
    dbus = _need("dbus-daemon")
    launcher = _need(BUS_LAUNCHER)
    _need(SYSTEM_PYTHON)
    started: list[subprocess.Popen[bytes]] = []
    try:
        x = subprocess.Popen(
            [xvfb, "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1280x800x24"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(x)
        display = ":" + _read_line(x, "Xvfb")
        bus = subprocess.Popen(
            [dbus, "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        started.append(bus)
        address = _read_line(bus, "dbus-daemon")
        env = {
            **os.environ,
            "DISPLAY": display,
            "DBUS_SESSION_BUS_ADDRESS": address,
            "XDG_RUNTIME_DIR": str(tmp_path),
            "NO_AT_BRIDGE": "0",
        }
        env.pop("QT_QPA_PLATFORM", None)
        started.append(
            subprocess.Popen(
                [launcher, "--launch-immediately"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        yield env
    finally:
        for proc in reversed(started):
            _stop(proc)


def test_a_screen_reader_unlocks_opens_a_case_and_reads_its_name(
    desktop_session: dict[str, str], vault, vault_path: Path, tmp_path: Path
) -> None:
    fill_demo(vault.unit_of_work)
    names = {r.display_name for r in case_service.list_cases(vault.unit_of_work())}
    vault.close()
    wanted = "Arbër Hoxha"
    expected_title = next(n for n in names if n.startswith(wanted))

    app_env = {
        **desktop_session,
        "QT_QPA_PLATFORM": "xcb",
        "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
        "QT_ACCESSIBILITY": "1",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "imsa_desktop", "--vault", str(vault_path)],
        env=app_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    client = Path(__file__).with_name("atspi_client.py")
    try:
        result = subprocess.run(
            [SYSTEM_PYTHON, str(client), PASSPHRASE, wanted, str(STEP_TIMEOUT)],
            env={k: v for k, v in desktop_session.items() if not k.startswith("PYTHON")},
            capture_output=True,
            text=True,
            timeout=STEP_TIMEOUT + 30,
            check=False,
        )
    finally:
        _stop(app)
    assert result.stdout.strip(), f"the screen-reader client said nothing: {result.stderr[-2000:]}"
    said = json.loads(result.stdout.strip().splitlines()[-1])
    assert "error" not in said, json.dumps(said, ensure_ascii=False)
    assert said["passphrase_field"] == "Passphrase"
    assert said["unlocked"] is True
    assert said["opened_by"] in ("Enter on the focused row", "double-click")
    assert said["case_title"] == expected_title, "the open case's name, as Orca would read it"

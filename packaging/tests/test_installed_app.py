"""Smoke test of the installed Linux package, run by `make package-test` after the suite.

The package is installed (dpkg/apt into this machine, or an extracted root) and every command
runs from a folder outside the checkout, with no virtualenv and no PYTHONPATH: what runs is
the frozen app, nothing else. IMSA_INSTALLED_ROOT says where it was installed ("/" or the
extracted root); without it these tests fail (they never skip).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from imsa_desktop.cli import main as cli
from imsa_desktop.ui import plugins

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "smoke test passphrase orbit lantern"


def installed_root() -> Path:
    value = os.environ.get("IMSA_INSTALLED_ROOT")
    assert value, "IMSA_INSTALLED_ROOT must name where the .deb was installed (run: make package-test)"
    return Path(value)


@pytest.fixture(scope="module")
def root() -> Path:
    return installed_root()


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working folder outside the checkout."""
    assert REPO not in tmp_path.parents
    return tmp_path


def run(
    root: Path, cwd: Path, *args: str, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": f"{root / 'usr' / 'bin'}:/usr/bin:/bin",
        "HOME": str(cwd / "home"),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "IMSA_PASSPHRASE": PASSPHRASE,
        "IMSA_ADVOCATE_NAME": "Sam Example",
    }
    (cwd / "home").mkdir(exist_ok=True)
    clean.update(env)
    return subprocess.run(
        [str(root / "usr" / "bin" / args[0]), *args[1:]],
        cwd=cwd,
        env=clean,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def source_commands() -> list[str]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def test_files_are_where_the_package_puts_them(root: Path) -> None:
    assert (root / "opt/imsa-desktop/imsa-desktop").is_file()
    assert os.access(root / "usr/bin/imsa", os.X_OK) and os.access(root / "usr/bin/imsa-desktop", os.X_OK)
    desktop = (root / "usr/share/applications/imsa-desktop.desktop").read_text(encoding="utf-8")
    assert "Exec=imsa-desktop" in desktop and "Icon=imsa-desktop" in desktop
    assert (root / "usr/share/icons/hicolor/256x256/apps/imsa-desktop.png").is_file()
    assert (root / "opt/imsa-desktop/_internal/resources/icons/imsa-desktop.png").is_file()  # window icon
    licence = (root / "usr/share/doc/imsa-desktop/LICENSE").read_text(encoding="utf-8")
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in licence
    notice = " ".join((root / "usr/share/doc/imsa-desktop/NOTICE").read_text(encoding="utf-8").split())
    assert "SIL Open Font License" in notice and "Bitstream Vera" in notice


def test_unused_qt_parts_are_not_installed(root: Path) -> None:
    names = [p.relative_to(root).as_posix() for p in (root / "opt/imsa-desktop").rglob("*")]
    assert len(names) > 100
    for unused in ("wayland", "libqeglfs", "virtualkeyboard", "libqgtk3", "WebEngine", "libQt6Quick"):
        assert [n for n in names if unused.lower() in n.lower()] == [], unused
    platforms = {p.name for p in (root / "opt/imsa-desktop").rglob("platforms/*.so")}
    assert {"libqxcb.so", "libqoffscreen.so"} <= platforms


def test_version(root: Path, outside: Path) -> None:
    from importlib.metadata import version

    assert (
        ok(run(root, outside, "imsa", "--version")).strip()
        == f"imsa (IMSA Desktop) {version('imsa-desktop')}"
    )
    assert (
        ok(run(root, outside, "imsa-desktop", "--version")).strip()
        == f"IMSA Desktop {version('imsa-desktop')}"
    )


def _listed(text: str) -> list[str]:
    import re

    return [m.group(1) for line in text.splitlines() if (m := re.match(r"^ {4}([a-z][a-z-]*)(?: |$)", line))]


def test_help_lists_every_command(root: Path, outside: Path) -> None:
    assert _listed(ok(run(root, outside, "imsa", "--help", COLUMNS="200"))) == source_commands()
    # ... and every subcommand of the groups (case add, letter reconsideration, stats combine ...)
    parser = cli.build_parser()
    top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    groups = 0
    for name, sub in top.choices.items():
        nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            groups += 1
            text = ok(run(root, outside, "imsa", name, "--help", COLUMNS="200"))
            assert _listed(text) == list(nested[0].choices), name
    assert groups >= 3


def test_frozen_gui_has_every_feature(root: Path, outside: Path) -> None:
    lines = ok(run(root, outside, "imsa-desktop", "--list-features")).splitlines()
    expected = []
    for feature in plugins.FEATURES:
        for role, value in plugins.resolve(feature).items():
            title = getattr(value, "title", "") if role == "tab" else ""
            expected.append(f"{feature.name}\t{role}\t{title}".rstrip())
    assert lines == expected
    tabs = [line.split("\t")[2] for line in lines if "\ttab\t" in line]
    assert {"Deadlines", "Timeline", "Letters", "Evidence", "Appointments"} <= set(tabs)


def test_demo_letter_and_timeline(root: Path, outside: Path) -> None:
    from tests.integration.test_cli_letter import CASE_DOC, letter_args

    vault = outside / "demo.imsa"
    out = ok(run(root, outside, "imsa", "--vault", str(vault), "demo"))
    assert "fictional cases" in out
    cases = json.loads(ok(run(root, outside, "imsa", "--vault", str(vault), "case", "list", "--json")))
    assert len(cases) >= 5

    (outside / "case.json").write_text(json.dumps(CASE_DOC, ensure_ascii=False), encoding="utf-8")
    case_id = ok(run(root, outside, "imsa", "--vault", str(vault), "case", "add", "case.json")).strip()
    args = letter_args(vault, case_id, outside / "letter.pdf", "--today", "2025-02-01")
    ok(run(root, outside, "imsa", *args))
    ok(run(root, outside, "imsa", "--vault", str(vault), "timeline", case_id, "--out", "timeline.pdf"))
    for name, expected in (("letter.pdf", "Nguyễn Thị Hồng"), ("timeline.pdf", "Recruited in Hải Phòng")):
        pdf = (outside / name).read_bytes()
        assert pdf.startswith(b"%PDF-")
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(outside / name), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert expected in text, name


@pytest.mark.parametrize("existing", [False, True], ids=["first-run", "existing-vault"])
def test_desktop_app_runs_offscreen_for_ten_seconds(root: Path, outside: Path, existing: bool) -> None:
    vault = outside / "vault.imsa"
    if existing:
        ok(run(root, outside, "imsa", "--vault", str(vault), "init"))
    log = outside / "gui.log"
    env = {
        "PATH": f"{root / 'usr' / 'bin'}:/usr/bin:/bin",
        "HOME": str(outside / "home"),
        "QT_QPA_PLATFORM": "offscreen",
        "IMSA_VAULT": str(vault),
    }
    (outside / "home").mkdir(exist_ok=True)
    with log.open("w") as err:
        proc = subprocess.Popen(
            [str(root / "usr" / "bin" / "imsa-desktop")], cwd=outside, env=env, stdout=err, stderr=err
        )
        try:
            time.sleep(10)
            alive = proc.poll() is None
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    output = log.read_text(encoding="utf-8", errors="replace")
    assert alive, f"imsa-desktop exited early: {output}"
    assert "Traceback" not in output and "incomplete" not in output, output
    assert vault.exists() == existing, "starting the app creates nothing by itself"

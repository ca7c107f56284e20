"""Features are registered explicitly, in one list each, and a missing one stops the app.

A frozen build once started with no letter, deadline or timeline features and no error,
because features registered themselves on import and missing ones were skipped.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from imsa_desktop.cli import main as cli
from imsa_desktop.ui import plugins

_SUBPROCESS_ENV_KEYS = ("HOME", "PATH", "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: os.environ[k] for k in _SUBPROCESS_ENV_KEYS if k in os.environ}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_importing_feature_modules_registers_nothing() -> None:
    modules = [f.module for f in plugins.FEATURES] + list(cli.COMMAND_MODULES)
    result = _python(
        "import importlib\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "from imsa_desktop.ui.views import case_view, workspace_view\n"
        "from imsa_desktop.ui import plugins\n"
        "print(len(case_view.EXTRA_TABS), len(workspace_view.HOME_FACTORY),"
        " len(workspace_view.SIDEBAR_WIDGETS), len(plugins.ACTION_BUILDERS))\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "0", "0", "0"]


def test_load_fills_every_slot_from_the_list(app) -> None:
    from imsa_desktop.ui.views import case_view, workspace_view

    plugins.load()
    titles = [t.title for t in case_view.EXTRA_TABS]
    assert titles == ["Deadlines", "Timeline", "Appointments", "Evidence", "Letters"]
    assert [f.__name__ for f in workspace_view.HOME_FACTORY] == ["TodayDashboard"]
    assert len(workspace_view.SIDEBAR_WIDGETS) == 1
    assert [f.__module__ for f in plugins.ACTION_BUILDERS] == [
        "imsa_desktop.ui.features.appointments",  # Week…
        "imsa_desktop.ui.features.bundles",
        "imsa_desktop.ui.features.stats",
    ]


def test_a_missing_feature_module_stops_the_app_with_one_sentence(monkeypatch, capsys) -> None:
    broken = (*plugins.FEATURES, plugins.Feature("Statistics", "imsa_desktop.ui.features.no_such_module"))
    monkeypatch.setattr(plugins, "FEATURES", broken)
    with pytest.raises(plugins.FeatureMissing) as e:
        plugins.check()
    assert "Statistics feature" in e.value.user_message and "reinstall" in e.value.user_message

    monkeypatch.setattr("imsa_desktop.__main__.build_app", lambda: (_ for _ in ()).throw(RuntimeError()))
    from imsa_desktop.__main__ import main

    assert main(["--list-features"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("imsa-desktop: This installation of IMSA Desktop is incomplete: the Statistics")
    assert "Traceback" not in err


def test_a_missing_name_in_a_feature_module_is_refused() -> None:
    feature = plugins.Feature("Letters", "imsa_desktop.ui.features.letters", tab="NoSuchTab")
    with pytest.raises(plugins.FeatureMissing) as e:
        plugins.resolve(feature)
    assert "Letters feature (imsa_desktop.ui.features.letters.NoSuchTab)" in e.value.user_message


def test_a_missing_command_module_stops_imsa_with_one_sentence(monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "imsa_desktop.cli.no_such_module"))
    assert cli.main(["--help"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("imsa: This installation of IMSA Desktop is incomplete")
    assert "imsa_desktop.cli.no_such_module" in err and "Traceback" not in err


def test_every_command_module_adds_commands() -> None:
    import argparse

    before = set()
    for register in cli.command_registrars():
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        register(sub, lambda p: None)
        names = set(sub.choices)
        assert names and not names & before
        before |= names

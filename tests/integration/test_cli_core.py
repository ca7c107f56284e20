"""``imsa`` as IT staff and scripts use it: real subprocesses, exit codes, one-sentence errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE
from tests.unit.fakes import CONTRACT_DOCUMENT_JSON

IMSA = Path(sys.executable).with_name("imsa")
NEW_PASSPHRASE = "violet tundra mosaic lantern ferry"


class Cli:
    def __init__(self, home: Path, vault: Path) -> None:
        self.home = home
        self.vault = vault

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("IMSA_")}
        env.update(
            HOME=str(self.home),
            IMSA_INSECURE_FAST_KDF_FOR_TESTS="1",
            IMSA_PASSPHRASE=PASSPHRASE,
            IMSA_VAULT=str(self.vault),
            IMSA_ADVOCATE_NAME="Test Advocate",
        )
        env.update(extra)
        return {k: v for k, v in env.items() if v != ""}

    def __call__(self, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(IMSA), *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.env(**env),
            timeout=60,
            check=False,
        )


def one_sentence(p: subprocess.CompletedProcess[str]) -> str:
    """An expected failure: exit 1, exactly one line on stderr, no traceback."""
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    return lines[0]


@pytest.fixture
def cli(private_home: Path, tmp_path: Path) -> Cli:
    return Cli(private_home, tmp_path / "vaults" / "vault.imsa")


@pytest.fixture
def contract_file(tmp_path: Path) -> Path:
    p = tmp_path / "case.json"
    p.write_text(CONTRACT_DOCUMENT_JSON, encoding="utf-8")
    return p


def _init(cli: Cli) -> str:
    p = cli("init")
    assert p.returncode == 0, p.stderr
    m = re.search(r"RECOVERY KEY.*\n\s+(\S.*\S)\s*\n", p.stdout)
    assert m, p.stdout
    return m.group(1)


def test_init_then_init_again_refuses_and_leaves_the_vault(cli: Cli) -> None:
    recovery = _init(cli)
    assert cli.vault.exists() and recovery
    before = (cli.vault.read_bytes(), cli.vault.with_name("vault.imsa.keys").read_bytes())
    line = one_sentence(cli("init", IMSA_PASSPHRASE=NEW_PASSPHRASE))
    assert "already exists" in line
    assert (cli.vault.read_bytes(), cli.vault.with_name("vault.imsa.keys").read_bytes()) == before
    assert cli("case", "list").returncode == 0  # still opens with the first passphrase


def test_case_add_show_list_update(cli: Cli, contract_file: Path, tmp_path: Path) -> None:
    _init(cli)
    p = cli("case", "add", str(contract_file))
    assert p.returncode == 0, p.stderr
    case_id = p.stdout.strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", case_id)

    p = cli("case", "show", case_id, "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["survivor"]["full_name"] == "Nguyễn Thị Hồng"
    assert "Nguyễn Thị Hồng" in p.stdout  # not \u-escaped
    assert doc["id"] == case_id and doc["decisions"][0]["outcome"] == "negative"
    assert [e["title"] for e in doc["events"]] == ["Recruited with a false job offer"]

    second = cli("case", "add", "-", stdin=json.dumps({"survivor": {"full_name": "ሰላም ተስፋይ"}}))
    assert second.returncode == 0, second.stderr

    p = cli("case", "list", "--json")
    assert p.returncode == 0, p.stderr
    rows = {r["id"]: r for r in json.loads(p.stdout)}
    assert set(rows) == {case_id, second.stdout.strip()}
    assert rows[case_id]["name"] == "Nguyễn Thị Hồng (Hồng)" and rows[case_id]["stage"] == "negative_rg"

    dec_id = doc["decisions"][0]["id"]
    partial = tmp_path / "update.json"
    partial.write_text(
        json.dumps(
            {"survivor": {"preferred_name": "Hong"}, "decisions": [{"id": dec_id, "outcome": "positive"}]}
        ),
        encoding="utf-8",
    )
    p = cli("case", "update", case_id, str(partial))
    assert p.returncode == 0, p.stderr
    after = json.loads(cli("case", "show", case_id, "--json").stdout)
    assert after["survivor"]["preferred_name"] == "Hong"
    assert after["survivor"]["full_name"] == "Nguyễn Thị Hồng"  # merged, not replaced
    assert after["decisions"][0]["outcome"] == "positive" and after["decisions"][0]["reference"] == "NRM-..."
    assert len(after["events"]) == 1 and len(after["evidence"]) == 1


def test_expected_failures_are_one_sentence(cli: Cli, contract_file: Path, tmp_path: Path) -> None:
    _init(cli)
    vault_before = cli.vault.read_bytes()

    line = one_sentence(cli("case", "list", IMSA_PASSPHRASE="not the right passphrase at all"))
    assert "passphrase" in line and "not the right" not in line

    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"survivor": {"full_name": "Arbër Hoxha",}}', encoding="utf-8")
    assert "not valid JSON" in one_sentence(cli("case", "add", str(bad_json)))

    assert "no case with that id" in one_sentence(cli("case", "show", "no-such-case", "--json"))

    impossible = json.loads(CONTRACT_DOCUMENT_JSON)
    impossible["decisions"][0]["date"] = "2025-02-30"
    p = cli("case", "add", "-", stdin=json.dumps(impossible))
    line = one_sentence(p)
    assert "2025-02-30" in line and "not a real date" in line
    assert "Nguy" not in line

    assert "unknown field 'nam'" in one_sentence(cli("case", "add", "-", stdin='{"survivor": {"nam": "x"}}'))

    listed = cli("case", "list", "--json")
    assert json.loads(listed.stdout) == []  # nothing was half-written
    assert cli.vault.stat().st_size == len(vault_before)


@pytest.mark.parametrize("args", [("case", "frobnicate"), ("case", "show"), ("--no-such-flag",), ()])
def test_usage_errors_exit_2(cli: Cli, args: tuple[str, ...]) -> None:
    p = cli(*args)
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr and p.stderr.strip()


def test_missing_vault_is_an_expected_failure(cli: Cli) -> None:
    assert "No vault" in one_sentence(cli("case", "list"))


def test_passphrase_change_then_recover(cli: Cli, contract_file: Path) -> None:
    recovery = _init(cli)
    case_id = cli("case", "add", str(contract_file)).stdout.strip()

    p = cli("passphrase", "change", IMSA_NEW_PASSPHRASE=NEW_PASSPHRASE)
    assert p.returncode == 0, p.stderr
    one_sentence(cli("case", "list"))  # the old passphrase is refused
    assert cli("case", "list", IMSA_PASSPHRASE=NEW_PASSPHRASE).returncode == 0

    third = "quartz meadow pilgrim saucer anchor"
    one_sentence(cli("recover", IMSA_RECOVERY_KEY="AAAA-" + recovery[5:][::-1], IMSA_NEW_PASSPHRASE=third))
    p = cli("recover", IMSA_RECOVERY_KEY=recovery, IMSA_NEW_PASSPHRASE=third)
    assert p.returncode == 0, p.stderr
    one_sentence(cli("case", "list", IMSA_PASSPHRASE=NEW_PASSPHRASE))
    p = cli("case", "show", case_id, "--json", IMSA_PASSPHRASE=third)
    assert json.loads(p.stdout)["survivor"]["full_name"] == "Nguyễn Thị Hồng"


def test_demo_creates_seven_fictional_cases(cli: Cli, tmp_path: Path) -> None:
    demo = tmp_path / "demo" / "demo.imsa"
    p = cli("demo", "--vault", str(demo))
    assert p.returncode == 0, p.stderr
    rows = json.loads(cli("case", "list", "--json", "--vault", str(demo)).stdout)
    assert len(rows) == 7
    assert len({r["name"] for r in rows}) == 7
    assert "already exists" in one_sentence(cli("demo", "--vault", str(demo)))

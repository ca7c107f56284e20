"""The layers point one way only (HOUSE_STYLE.md), checked by parsing every module with ``ast``."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "imsa_desktop"
NON_UI_LAYERS = ("domain", "services", "store", "crypto", "bundle", "documents")
NETWORK_MODULES = {"socket", "urllib", "http", "requests", "httpx", "aiohttp", "urllib3", "ftplib", "smtplib"}
# Our SQL is written in upper case (as in store/); prose such as "Select a case from..." is not.
SQL = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(VIRTUAL\s+)?TABLE)\b", re.S
)


def modules(layer: str = "") -> list[Path]:
    root = PACKAGE / layer if layer else PACKAGE
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, text: str | None = None) -> list[str]:
    """Every module name imported by *path* (relative imports resolved), at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text, filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            found.append(mod)
            found += [f"{mod}.{a.name}" for a in node.names]  # from pkg import submodule
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append(arg.value)
    return found


def _is_dynamic_import(node: ast.Call) -> bool:
    f = node.func
    return (isinstance(f, ast.Attribute) and f.attr == "import_module") or (
        isinstance(f, ast.Name) and f.id == "__import__"
    )


def top(name: str) -> str:
    return name.split(".")[0]


def _rel(p: Path) -> str:
    return str(p.relative_to(PACKAGE.parent))


def test_the_package_is_where_we_think() -> None:
    assert len(modules("domain")) >= 5 and len(modules("ui")) >= 5


@pytest.mark.parametrize("path", modules("domain"), ids=_rel)
def test_domain_imports_only_stdlib_errors_and_domain(path: Path) -> None:
    bad = []
    for name in imports(path):
        if top(name) == "imsa_desktop":
            # errors and paths are stdlib-only leaf modules every layer may use.
            ok = (
                name in ("imsa_desktop.errors", "imsa_desktop.paths")
                or name.startswith(("imsa_desktop.errors.", "imsa_desktop.paths."))
                or (name == "imsa_desktop.domain" or name.startswith("imsa_desktop.domain."))
            )
        else:
            ok = top(name) in sys.stdlib_module_names or top(name) == "__future__"
        if not ok:
            bad.append(name)
    assert bad == [], f"{_rel(path)} imports {bad}"


@pytest.mark.parametrize("path", [p for layer in NON_UI_LAYERS for p in modules(layer)], ids=_rel)
def test_core_layers_never_import_qt_or_ui(path: Path) -> None:
    bad = [
        n
        for n in imports(path)
        if top(n) in ("PySide6", "PyQt5", "PyQt6", "shiboken6")
        or n == "imsa_desktop.ui"
        or n.startswith("imsa_desktop.ui.")
    ]
    assert bad == [], f"{_rel(path)} imports {bad}"


@pytest.mark.parametrize(
    "path", [p for layer in ("store", "crypto", "bundle", "documents") for p in modules(layer)], ids=_rel
)
def test_store_crypto_bundle_documents_never_import_cli(path: Path) -> None:
    bad = [n for n in imports(path) if n == "imsa_desktop.cli" or n.startswith("imsa_desktop.cli.")]
    assert bad == [], f"{_rel(path)} imports {bad}"


@pytest.mark.parametrize("path", modules("ui"), ids=_rel)
def test_ui_never_touches_sql(path: Path) -> None:
    bad = [
        n
        for n in imports(path)
        if top(n) in ("sqlcipher3", "sqlite3") or n.startswith("imsa_desktop.store.connection")
    ]
    assert bad == [], f"{_rel(path)} imports {bad}"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not SQL.search(node.value), f"{_rel(path)}:{node.lineno} has an SQL string"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in ("execute", "executemany", "executescript"), (
                f"{_rel(path)}:{node.lineno} calls .{node.func.attr}("
            )


STORE = "imsa_desktop.store"


def store_imports(path: Path, text: str | None = None) -> list[str]:
    """The ``imsa_desktop.store`` modules *path* imports (typing-only imports count too)."""
    return [n for n in imports(path, text) if n == STORE or n.startswith(STORE + ".")]


def assert_no_store_imports(path: Path, text: str | None = None) -> None:
    bad = store_imports(path, text)
    assert bad == [], f"{_rel(path)} imports {bad}"


@pytest.mark.parametrize("path", modules("services"), ids=_rel)
def test_services_never_import_store(path: Path) -> None:
    """Services reach storage only through the unit-of-work port (services/ports.py); store
    objects are built in the composition root (imsa_desktop/bootstrap.py)."""
    assert_no_store_imports(path)


@pytest.mark.parametrize("path", modules("ui"), ids=_rel)
def test_ui_never_imports_store(path: Path) -> None:
    assert_no_store_imports(path)


@pytest.mark.parametrize("path", modules("services"), ids=_rel)
def test_services_never_reach_past_the_port(path: Path) -> None:
    """No ``getattr(uow, "conn")`` or ``uow._actor``: what services need is on the port."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("conn", "_actor", "_conn"):
            raise AssertionError(f"{_rel(path)}:{node.lineno} uses .{node.attr}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
            arg = node.args[1] if len(node.args) > 1 else None
            if isinstance(arg, ast.Constant) and arg.value in ("conn", "_actor", "attachments"):
                raise AssertionError(f"{_rel(path)}:{node.lineno} reaches past the port ({arg.value})")


@pytest.mark.parametrize("path", modules(), ids=_rel)
def test_no_module_reaches_the_network(path: Path) -> None:
    bad = [n for n in imports(path) if top(n) in NETWORK_MODULES or "QtNetwork" in n or "QNetwork" in n]
    assert bad == [], f"{_rel(path)} imports {bad}"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert not [n for n in names if n.startswith("QNetwork")], f"{_rel(path)} uses QNetwork*"


# ---- the checker itself catches what it should ------------------------------------------


def test_checker_sees_relative_dynamic_and_nested_imports() -> None:
    text = (
        "from ..store import vault\nfrom . import dates\nimport importlib\n"
        "def f():\n    import PySide6.QtCore\n    importlib.import_module('socket')\n"
    )
    found = imports(PACKAGE / "domain" / "model.py", text)  # as if this were domain/model.py
    assert "imsa_desktop.store.vault" in found
    assert "imsa_desktop.domain.dates" in found
    assert "PySide6.QtCore" in found and "socket" in found


TYPING_ONLY = (
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from imsa_desktop.store.vault import Vault\n"
)


@pytest.mark.parametrize(
    ("layer", "planted"),
    [
        ("services", "from imsa_desktop.store.uow import SqlUnitOfWork\n"),
        ("services", "def f():\n    from imsa_desktop.store import identity\n"),  # function-local
        ("services", "from ..store import attachments\n"),  # relative
        ("ui", TYPING_ONLY),
        ("ui", "import importlib\nimportlib.import_module('imsa_desktop.store.uow')\n"),
    ],
)
def test_a_planted_store_import_fails_the_check(tmp_path: Path, layer: str, planted: str) -> None:
    """A temporary copy of a real module with one import planted: the check passes on the
    module and fails on the copy (read as if it stood at the module's place)."""
    original = next(p for p in modules(layer) if p.name != "__init__.py")
    planted_copy = tmp_path / original.name
    planted_copy.write_text(original.read_text(encoding="utf-8") + "\n" + planted, encoding="utf-8")
    assert_no_store_imports(original)
    with pytest.raises(AssertionError, match="imsa_desktop.store"):
        assert_no_store_imports(original, planted_copy.read_text(encoding="utf-8"))


def test_sql_pattern_matches_sql_and_not_prose() -> None:
    assert SQL.search("SELECT id FROM cases WHERE x")
    assert SQL.search("INSERT INTO records (id) VALUES (?)")
    assert SQL.search("DELETE FROM search")
    assert SQL.search("UPDATE cases SET code=?")
    assert SQL.search("CREATE TABLE meta (k)")
    assert not SQL.search("Select a case from the list to update its status.")
    assert not SQL.search("Delete from this device")

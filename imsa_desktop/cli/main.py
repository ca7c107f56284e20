"""``imsa``: the command-line companion (reference: docs/cli.md).

Exit codes: 0 success; 1 an expected failure, with one sentence on stderr; 2 usage error.
No traceback ever reaches the terminal; unexpected errors are logged without case data.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeAlias, TypeVar

from imsa_desktop import bootstrap as vault_service
from imsa_desktop import logsetup
from imsa_desktop.errors import ImsaError, InvalidInput
from imsa_desktop.services import cases as case_service
from imsa_desktop.store.vault import Vault

T = TypeVar("T")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"imsa: {message}", file=sys.stderr)
        raise SystemExit(2)


# ---- passphrases and vaults --------------------------------------------------------------


def _read_secret_file(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        raise InvalidInput("The passphrase file could not be read.") from None
    return text.rstrip("\r\n")


def get_passphrase(args: argparse.Namespace, *, confirm: bool = False, prompt: str = "Passphrase: ") -> str:
    if getattr(args, "passphrase_file", None):
        return _read_secret_file(args.passphrase_file)
    env = os.environ.get("IMSA_PASSPHRASE")
    if env:
        return env
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat passphrase: ") != first:
            raise InvalidInput("The two passphrases did not match.")
        return first
    raise InvalidInput(
        "No passphrase given: set IMSA_PASSPHRASE, use --passphrase-file, or run in a terminal."
    )


def _env_or_terminal(env: str, prompt: str, what: str, *, repeat: str = "") -> str:
    """The secret in the environment variable ``env``, else typed in a terminal (twice where
    ``repeat`` is the second prompt); with neither, one sentence naming ``what`` is missing."""
    value = os.environ.get(env)
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        value = getpass.getpass(prompt)
        if repeat and getpass.getpass(repeat) != value:
            raise InvalidInput("The two passphrases did not match.")
        return value
    raise InvalidInput(f"No {what} given: set {env} or run in a terminal.")


def vault_path(args: argparse.Namespace) -> Path:
    if getattr(args, "vault", None):
        return Path(args.vault).expanduser()
    return vault_service.default_vault_path()


def open_vault(args: argparse.Namespace) -> Vault:
    path = vault_path(args)
    if not vault_service.vault_exists(path):
        from imsa_desktop.errors import VaultNotFound

        raise VaultNotFound(f"No vault was found at {path}. Create one with 'imsa init'.")
    return vault_service.unlock(path, get_passphrase(args))


def in_vault(args: argparse.Namespace, work: Callable[[Any], T]) -> T:
    """Open the vault, run ``work`` with its unit of work, and close the vault (also when
    ``work`` fails): ``cases = in_vault(args, case_service.list_cases)``."""
    vault = open_vault(args)
    try:
        return work(vault.unit_of_work())
    finally:
        vault.close()


def read_json_arg(source: str) -> Any:
    from imsa_desktop.domain.validation import loads_document

    try:
        if source == "-":
            raw = getattr(sys.stdin, "buffer", None)
            data = raw.read() if raw is not None else sys.stdin.read().encode("utf-8", "surrogateescape")
        else:
            data = Path(source).read_bytes()
    except OSError:
        raise InvalidInput("The case document could not be read (is the path right?).") from None
    return loads_document(data)


def emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_list(
    args: argparse.Namespace,
    items: Sequence[T],
    *,
    as_json: Callable[[T], Any],
    lines: Callable[[T], Iterable[str]],
    empty: str,
) -> int:
    """A listing command's output: with --json a JSON list (``as_json`` of each item), else the
    ``lines`` of each item, or the sentence ``empty`` when there is none. Returns exit code 0."""
    if args.json:
        emit_json([as_json(x) for x in items])
        return 0
    if not items:
        print(empty)
    for x in items:
        for line in lines(x):
            print(line)
    return 0


# ---- commands ----------------------------------------------------------------------------


def _create_vault(args: argparse.Namespace, advocate: Callable[[], str]) -> tuple[Path, Vault, str]:
    """A new vault at --vault (never over an existing one), its passphrase asked twice; the
    advocate's name is --name, else ``advocate()``. Returns the path, the vault and its recovery key."""
    path = vault_path(args)
    if vault_service.vault_exists(path):
        from imsa_desktop.errors import VaultExists

        raise VaultExists(f"A vault already exists at {path}; it was left untouched.")
    passphrase = get_passphrase(args, confirm=True, prompt="New passphrase: ")
    vault, recovery = vault_service.create_vault(path, passphrase, args.name or advocate())
    return path, vault, recovery


def cmd_init(args: argparse.Namespace) -> int:
    path, vault, recovery = _create_vault(
        args, lambda: os.environ.get("IMSA_ADVOCATE_NAME") or getpass.getuser()
    )
    vault.close()
    print(f"Created an empty vault at {path}")
    print()
    print("RECOVERY KEY (shown once; print it or write it down and give it to your organisation):")
    print(f"    {recovery}")
    print("Anyone with this key can open the vault. Keep it on paper, locked away, never beside the laptop.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from imsa_desktop.services.demo import fill_demo, mark_demo

    path, vault, recovery = _create_vault(args, lambda: "Demo Advocate")
    try:
        mark_demo(vault.unit_of_work())
        ids = fill_demo(vault.unit_of_work)
    finally:
        vault.close()
    print(f"Created a demo vault at {path} with {len(ids)} fictional cases.")
    print(f"RECOVERY KEY (shown once): {recovery}")
    return 0


def cmd_case_add(args: argparse.Namespace) -> int:
    doc = read_json_arg(args.file)
    case_id = in_vault(args, lambda uow: case_service.add_case(uow, doc))
    print(case_id)
    return 0


def cmd_case_list(args: argparse.Namespace) -> int:
    rows = in_vault(args, case_service.list_cases)
    if args.json:
        emit_json(
            [
                {
                    "id": r.id,
                    "code": r.code,
                    "name": r.display_name,
                    "status": r.status.value,
                    "stage": r.stage.value,
                    "jurisdiction": r.jurisdiction.value,
                    "nationality": r.nationality,
                    "updated_at": r.updated_at.isoformat(),
                }
                for r in rows
            ]
        )
    else:
        for r in rows:
            print(f"{r.id}  {r.code}  {r.status.label:<12}  {r.stage.label:<20}  {r.display_name}")
        if not rows:
            print("No cases yet.")
    return 0


def cmd_case_show(args: argparse.Namespace) -> int:
    doc = in_vault(args, lambda uow: case_service.show_case(uow, args.case_id))
    if args.json:
        emit_json(doc)
    else:
        s = doc["survivor"]
        print(f"{s['full_name']}  [{doc['code']}]  {doc['status']}")
        print(f"  id: {doc['id']}")
        print(f"  jurisdiction: {doc['jurisdiction']}")
        if s.get("nationality"):
            print(f"  nationality: {s['nationality']}")
        r = doc.get("referral") or {}
        if r.get("date"):
            print(f"  referred: {r['date']} by {r.get('first_responder') or '?'}")
        for d in doc.get("decisions") or []:
            print(
                f"  decision: {d['kind']} {d.get('outcome') or 'outcome not recorded'} {d.get('date') or ''} "
                f"{d.get('authority')}  [{d['id']}]"
            )
        print(
            f"  events: {len(doc['events'])}  appointments: {len(doc['appointments'])}  "
            f"evidence: {len(doc['evidence'])}"
        )
    return 0


def cmd_case_update(args: argparse.Namespace) -> int:
    partial = read_json_arg(args.file)
    in_vault(args, lambda uow: case_service.update_case(uow, args.case_id, partial))
    return 0


def cmd_passphrase_change(args: argparse.Namespace) -> int:
    vault = open_vault(args)
    try:
        new = _env_or_terminal(
            "IMSA_NEW_PASSPHRASE", "New passphrase: ", "new passphrase", repeat="Repeat new passphrase: "
        )
        vault_service.change_passphrase(vault, new)
    finally:
        vault.close()
    print("Passphrase changed.")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    """Forgotten passphrase: open with the recovery key and set a new passphrase."""
    path = vault_path(args)
    recovery = _env_or_terminal("IMSA_RECOVERY_KEY", "Recovery key: ", "recovery key")
    new = _env_or_terminal("IMSA_NEW_PASSPHRASE", "New passphrase: ", "new passphrase")
    vault = vault_service.reset_passphrase_with_recovery_key(path, recovery, new)
    vault.close()
    print("The vault was opened with the recovery key and has a new passphrase.")
    return 0


# ---- wiring ------------------------------------------------------------------------------

# What a command module's ``register(sub, add_common)`` takes: the subcommand parsers to add
# to, and the function that adds the options every command shares (--vault, ...).
SubParsers: TypeAlias = "argparse._SubParsersAction[Any]"
AddCommon = Callable[[argparse.ArgumentParser], None]
Register = Callable[[SubParsers, AddCommon], None]

# Command groups in their own modules, registered explicitly: adding one is one entry here
# (the module defines ``register(sub, add_common)``; importing it changes nothing). A module
# or ``register`` that is missing is an incomplete installation and stops ``imsa`` with one
# sentence (a frozen build once ran without them and no error). PyInstaller bundles every
# module named here (packaging/imsa-desktop.spec); tests/packaging checks the frozen app.
COMMAND_MODULES: tuple[str, ...] = (
    "imsa_desktop.cli.deadlines",
    "imsa_desktop.cli.evidence",
    "imsa_desktop.cli.documents",
    "imsa_desktop.cli.bundles",
    "imsa_desktop.cli.privacy",
    "imsa_desktop.cli.stats",
)


class CommandsMissing(ImsaError):
    """A command group the app ships with is missing: the installation is incomplete."""


def commands(sub: SubParsers, add_common: AddCommon) -> Callable[..., argparse.ArgumentParser]:
    """``command = commands(sub, add_common)``; then ``p = command(func, name, help=...)`` adds
    the subcommand ``name`` (keywords as for ``add_parser``) that runs ``func``, with the options
    every command shares; add its own options to ``p``."""

    def command(func: Callable[[argparse.Namespace], int], name: str, **kw: Any) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = sub.add_parser(name, **kw)
        add_common(p)
        p.set_defaults(func=func)
        return p

    return command


def command_registrars() -> list[Register]:
    import importlib

    out: list[Register] = []
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if not (e.name and name.startswith(e.name)):
                raise
            module = None
        register = getattr(module, "register", None)
        if register is None:
            raise CommandsMissing(
                f"This installation of IMSA Desktop is incomplete: the commands in {name} are "
                "missing. Please reinstall the app; your vault has not been touched."
            )
        out.append(register)
    return out


def _global_options(parser: argparse.ArgumentParser, *, default: Any) -> None:
    """The options every command takes. Given before the command (``imsa --vault X init``)
    or after it (``imsa init --vault X``); after the command wins if both are given."""
    parser.add_argument(
        "--vault", default=default, help="vault file (default: $IMSA_VAULT or the per-user data folder)"
    )
    parser.add_argument("--passphrase-file", default=default, help="read the passphrase from this file")


def build_parser() -> argparse.ArgumentParser:
    from imsa_desktop.version import VersionAction

    # A subcommand's copy of the global options has no default (SUPPRESS): argparse would
    # otherwise overwrite what was given before the subcommand with None (issue 13/19: `imsa
    # --vault A erase ID --yes` erased from the default vault).
    common = _Parser(add_help=False)
    _global_options(common, default=argparse.SUPPRESS)

    def add_common(p: argparse.ArgumentParser) -> None:
        for action in common._actions:
            if action.option_strings and action.dest != "help":
                p._add_action(action)

    parser = _Parser(prog="imsa", description="IMSA Desktop command-line companion.")
    parser.add_argument("--version", action=VersionAction, label="imsa (IMSA Desktop)")
    _global_options(parser, default=None)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    p = sub.add_parser("init", help="create a new empty vault", parents=[common])
    p.add_argument("--name", help="your name, as recorded in the audit log")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="create a vault filled with clearly fictional cases", parents=[common])
    p.add_argument("--name", help="advocate name for the demo vault")
    p.set_defaults(func=cmd_demo)

    case = sub.add_parser("case", help="add, list, show and update cases")
    csub = case.add_subparsers(dest="case_command", required=True, parser_class=_Parser)
    p = csub.add_parser("add", help="add a case from a case document (JSON file or -)", parents=[common])
    p.add_argument("file")
    p.set_defaults(func=cmd_case_add)
    p = csub.add_parser("list", help="list cases", parents=[common])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_case_list)
    p = csub.add_parser("show", help="show a case document", parents=[common])
    p.add_argument("case_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_case_show)
    p = csub.add_parser("update", help="merge a partial case document into a case", parents=[common])
    p.add_argument("case_id")
    p.add_argument("file")
    p.set_defaults(func=cmd_case_update)

    pp = sub.add_parser("passphrase", help="change the vault passphrase")
    psub = pp.add_subparsers(dest="passphrase_command", required=True, parser_class=_Parser)
    p = psub.add_parser(
        "change", help="new passphrase from $IMSA_NEW_PASSPHRASE or a prompt", parents=[common]
    )
    p.set_defaults(func=cmd_passphrase_change)

    p = sub.add_parser(
        "recover",
        help="forgotten passphrase: open with the recovery key ($IMSA_RECOVERY_KEY) and set a new one",
        parents=[common],
    )
    p.set_defaults(func=cmd_recover)

    for register in command_registrars():
        register(sub, add_common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Stored text never reaches the terminal raw: control characters are escaped (safe_output).
    from imsa_desktop.cli.safe_output import SafeStream

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _main(argv: Sequence[str] | None) -> int:
    logsetup.configure()
    try:
        parser = build_parser()
    except CommandsMissing as e:
        print(f"imsa: {e.user_message}", file=sys.stderr)
        return 1
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ImsaError as e:
        print(f"imsa: {e.user_message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("imsa: interrupted; nothing was changed.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as e:  # never a traceback on the terminal
        logsetup.log_unexpected(e)
        print(
            "imsa: an unexpected error occurred; nothing was changed. Details are in the log.",
            file=sys.stderr,
        )
        return 1


def die(message: str) -> NoReturn:
    print(f"imsa: {message}", file=sys.stderr)
    raise SystemExit(1)


if __name__ == "__main__":
    raise SystemExit(main())

"""``imsa identity``, ``contacts``, ``export``, ``import``, ``verify``, ``backup``, ``restore``.

Reference: docs/cli.md. Bundle passphrases come from an environment variable named
with ``--passphrase-env`` (never from the command line); without it the vault's own identity
is used to open bundles sent to its public key.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from imsa_desktop import bootstrap as vault_service
from imsa_desktop.cli import main
from imsa_desktop.errors import InvalidInput, VaultExists
from imsa_desktop.services import backup as backup_service
from imsa_desktop.services import bundles as bundle_service
from imsa_desktop.services import identity as identity_service


def _env_secret(var: str | None, what: str) -> str | None:
    if not var:
        return None
    value = os.environ.get(var)
    if not value:
        raise InvalidInput(f"The environment variable named for the {what} is not set or is empty.")
    return value


def _identity_file(path: str | None) -> str | None:
    if not path:
        return None
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise InvalidInput("The identity file could not be read.") from None
    keys = [ln.strip() for ln in lines if ln.strip().startswith("AGE-SECRET-KEY-")]
    if not keys:
        raise InvalidInput("The identity file holds no age secret key.")
    return keys[0]


def cmd_identity(args: argparse.Namespace) -> int:
    me = main.in_vault(args, identity_service.my_identity)
    if args.json:
        main.emit_json(
            {
                "public_key": me.age_public,
                "signing_key": me.signing_public_b64,
                "contact_card": me.card,
                "fingerprint": me.fingerprint,
            }
        )
    elif args.card:
        print(me.card)
    else:
        print(me.age_public)
        print(f"contact card: {me.card}", file=sys.stderr)
        print(f"fingerprint:  {me.fingerprint}", file=sys.stderr)
    return 0


def cmd_contacts_add(args: argparse.Namespace) -> int:
    c = main.in_vault(args, lambda uow: identity_service.add_contact(uow, args.name, args.key))
    note = "" if c.verifiable else " (age key only: bundles from them will show as unverified)"
    print(f"Added {c.name}{note}.")
    return 0


def cmd_contacts_list(args: argparse.Namespace) -> int:
    contacts = main.in_vault(args, identity_service.list_contacts)

    def as_json(c: Any) -> dict[str, Any]:
        card = (
            identity_service.contact_card(c.age_public, c.signing_public_b64)
            if c.signing_public_b64
            else None
        )
        return {
            "name": c.name,
            "public_key": c.age_public,
            "signing_key": c.signing_public_b64 or None,
            "fingerprint": c.fingerprint or None,
            "verified": c.verified,
            "contact_card": card,
        }

    def lines(c: Any) -> list[str]:
        mark = "  (verified)" if c.verified else ("" if c.verifiable else "  (unverified: age key only)")
        return [f"{c.name}  {c.age_public}{mark}"]

    empty = "No contacts yet. Add one with: imsa contacts add NAME KEY"
    return main.print_list(args, contacts, as_json=as_json, lines=lines, empty=empty)


def cmd_contacts_verify(args: argparse.Namespace) -> int:
    age, _ = identity_service.parse_key(args.key)
    c = main.in_vault(args, lambda uow: identity_service.set_verified(uow, age, not args.undo))
    print(f"{c.name}: {'verified' if c.verified else 'not verified'} (fingerprint {c.fingerprint}).")
    return 0


def cmd_contacts_remove(args: argparse.Namespace) -> int:
    age, _ = identity_service.parse_key(args.key)
    main.in_vault(args, lambda uow: identity_service.remove_contact(uow, age))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    passphrase = _env_secret(args.passphrase_env, "bundle passphrase")
    if bool(passphrase) == bool(args.recipient):
        raise InvalidInput("Give either --passphrase-env VAR or at least one --recipient.")
    options = bundle_service.ShareOptions(
        attachments=not args.no_attachments,
        safeguarding=not args.no_safeguarding,
        contact_details=not args.no_contact_details,
    )
    result = main.in_vault(
        args,
        lambda uow: bundle_service.export_cases(
            uow,
            args.case_ids,
            Path(args.out),
            recipients=args.recipient or None,
            passphrase=passphrase,
            options=options,
            reason=args.reason or "",
        ),
    )
    print(
        f"Wrote {result.case_count} case(s) and {result.attachment_count} attachment(s) for "
        f"{result.recipients} to {result.path}",
        file=sys.stderr,
    )
    return 0


def _short(value: object, limit: int = 60) -> str:
    text = "(none)" if value is None or value == "" else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _print_report(report: bundle_service.ImportReport, as_json: bool) -> None:
    if as_json:
        main.emit_json(report.as_json())
        return
    who = report.sender_name + (
        " (in your address book)" if report.sender_known else " (unverified: not in your address book)"
    )
    print(f"From: {who}; made {report.created_at}; key fingerprint {report.signer_fingerprint}")
    for p in report.cases:
        line = (
            f"  {p.case_id}  {p.code}  {p.status}: new {p.new}, updated {p.updated}, unchanged {p.unchanged}"
        )
        if p.kept:
            line += f", kept yours {p.kept}"
        if p.attachments_new:
            line += f", attachments {p.attachments_new}"
        if p.conflicts:
            line += f", conflicts {len(p.conflicts)}"
        print(line)
        if not p.sender_trusted:
            print("      this sender is not one this case was shared with or by: every change is a conflict")
        for c in p.conflicts:
            what = "added by them" if c.added else ", ".join(c.differing_fields())
            print(f"      conflict: {c.kind} {c.record_id} ({what})")
            for f in c.differing_fields():
                print(f"        {f}: mine {_short(c.mine.get(f))} | theirs {_short(c.theirs.get(f))}")
    if report.conflicts:
        kept = "theirs were taken" if getattr(report, "_theirs", False) else "yours were kept"
        print(
            f"  Conflicts: {kept}."
            if report.applied
            else "  Conflicts need a choice (--conflicts mine|theirs)."
        )


def cmd_import(args: argparse.Namespace) -> int:
    passphrase = _env_secret(args.passphrase_env, "bundle passphrase")
    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput("The bundle file does not exist.")
    vault = main.open_vault(args)
    try:
        if args.dry_run:
            report = bundle_service.preview_import(vault.unit_of_work(), path, passphrase=passphrase)
        else:
            if args.conflicts is None:  # no policy given: only an import without conflicts goes ahead
                preview = bundle_service.preview_import(vault.unit_of_work(), path, passphrase=passphrase)
                if preview.conflicts:
                    n = len(preview.conflicts)
                    raise InvalidInput(
                        f"This bundle has {n} change{'s' if n != 1 else ''} that need your choice, so "
                        "nothing was imported; see them with --dry-run, then import again with "
                        "--conflicts mine or --conflicts theirs."
                    )
            report = bundle_service.import_bundle(
                vault.unit_of_work(), path, passphrase=passphrase, default_choice=args.conflicts or "mine"
            )
    finally:
        vault.close()
    if args.conflicts == "theirs":
        report._theirs = True  # type: ignore[attr-defined]
    _print_report(report, args.json)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    passphrase = _env_secret(args.passphrase_env, "bundle passphrase")
    identity = _identity_file(args.identity_file)
    path = Path(args.file)
    if not path.is_file():
        raise InvalidInput("The bundle file does not exist.")
    report = main.in_vault(
        args, lambda uow: bundle_service.verify_file(uow, path, passphrase=passphrase, identity=identity)
    )
    if args.json:
        main.emit_json(report.as_json())
    else:
        known = "in your address book" if report.sender_known else "unverified: not in your address book"
        print(f"OK: {len(report.cases)} case(s) from {report.sender_name} ({known}); intact and authentic.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    vault_passphrase = main.get_passphrase(args)
    passphrase = _env_secret(args.passphrase_env, "backup passphrase")
    if not args.recipient and not passphrase:
        passphrase = vault_passphrase
    vault = vault_service.unlock(main.vault_path(args), vault_passphrase)
    try:
        result = backup_service.backup_vault(
            vault.unit_of_work(),
            Path(args.out),
            passphrase=None if args.recipient else passphrase,
            recipients=args.recipient or None,
        )
    finally:
        vault.close()
    print(
        f"Wrote and verified a backup of {result.case_count} case(s) and {result.attachment_count} "
        f"attachment(s) to {result.path}",
        file=sys.stderr,
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if not source.is_file():
        raise InvalidInput("The backup file does not exist.")
    path = main.vault_path(args)
    if vault_service.vault_exists(path):
        raise VaultExists(f"A vault already exists at {path}; restore into a new path with --vault.")
    identity = _identity_file(args.identity_file)
    backup_passphrase = _env_secret(args.passphrase_env, "backup passphrase")
    new_passphrase = main.get_passphrase(args, confirm=True, prompt="Passphrase for the restored vault: ")
    if backup_passphrase is None and identity is None:
        backup_passphrase = new_passphrase
    name = args.name or os.environ.get("IMSA_ADVOCATE_NAME") or "IMSA advocate"
    vault, recovery = vault_service.create_vault(path, new_passphrase, name)
    try:
        report = backup_service.restore_into(
            vault.unit_of_work(),
            source,
            passphrase=None if identity else backup_passphrase,
            identity=identity,
        )
    except BaseException:
        vault.close()
        vault_service.remove_vault_files(path)
        raise
    vault.close()
    print(f"Restored {len(report.cases)} case(s) into a new vault at {path}")
    print(f"RECOVERY KEY for the new vault (shown once): {recovery}")
    return 0


def register(sub: main.SubParsers, add_common: main.AddCommon) -> None:
    command = main.commands(sub, add_common)

    def secret_opts(p: argparse.ArgumentParser, identity: bool = False) -> None:
        p.add_argument(
            "--passphrase-env", metavar="VAR", help="read the bundle passphrase from this env variable"
        )
        if identity:
            p.add_argument("--identity-file", help="an age identity file (AGE-SECRET-KEY-1...)")

    p = command(cmd_identity, "identity", help="print this vault's public key (age1...) for colleagues")
    p.add_argument("--json", action="store_true")
    p.add_argument("--card", action="store_true", help="print the contact card (both public keys)")

    c = sub.add_parser("contacts", help="the address book of colleagues' public keys")
    csub = c.add_subparsers(dest="contacts_command", required=True, parser_class=main._Parser)
    contacts_command = main.commands(csub, add_common)
    p = contacts_command(
        cmd_contacts_add, "add", help="add a colleague: NAME and a contact card or age1... key"
    )
    p.add_argument("name")
    p.add_argument("key")
    p = contacts_command(cmd_contacts_list, "list", help="list colleagues")
    p.add_argument("--json", action="store_true")
    p = contacts_command(cmd_contacts_remove, "remove", help="remove a colleague by key")
    p.add_argument("key")
    p = contacts_command(
        cmd_contacts_verify, "verify", help="mark a colleague verified after comparing the fingerprint"
    )
    p.add_argument("key")
    p.add_argument("--undo", action="store_true", help="mark them not verified")

    p = command(cmd_export, "export", help="write cases to an encrypted bundle")
    p.add_argument("case_ids", nargs="+", metavar="CASE_ID")
    p.add_argument("--out", required=True)
    secret_opts(p)
    p.add_argument("--recipient", action="append", help="age1... key, contact card or contact name")
    p.add_argument("--no-attachments", action="store_true", help="leave out attached files")
    p.add_argument("--no-safeguarding", action="store_true", help="leave out safe-contact notes")
    p.add_argument("--no-contact-details", action="store_true", help="leave out contact details")
    p.add_argument("--reason", help="why you share without recorded consent (kept in the audit log)")

    p = command(cmd_import, "import", help="verify a bundle and merge its cases (one transaction)")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="verify and report only; change nothing")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--conflicts",
        choices=("mine", "theirs"),
        default=None,
        help="which side wins each conflict; required when the bundle has any (see --dry-run)",
    )
    secret_opts(p)

    p = command(cmd_verify, "verify", help="check a bundle end to end without importing")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    secret_opts(p, identity=True)

    p = command(cmd_backup, "backup", help="whole-vault encrypted backup (verified after writing)")
    p.add_argument("--out", required=True)
    secret_opts(p)
    p.add_argument("--recipient", action="append", help="encrypt to this age key instead of a passphrase")

    p = command(cmd_restore, "restore", help="restore a backup into a NEW vault (--vault PATH)")
    p.add_argument("file")
    p.add_argument("--name", help="your name for the new vault's audit log")
    secret_opts(p, identity=True)

"""``imsa erase``, ``imsa audit``, ``imsa sar`` and ``imsa retention`` (privacy and UK GDPR)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from imsa_desktop.cli import main
from imsa_desktop.domain.dates import format_date
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import audit as audit_service
from imsa_desktop.services import privacy as privacy_service
from imsa_desktop.services import retention as retention_service


def _date(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"The {what} date must be written as YYYY-MM-DD.") from None


def cmd_erase(args: argparse.Namespace) -> int:
    if not args.yes:
        raise InvalidInput("Erasing a case cannot be undone; run the command again with --yes to confirm.")
    vault = main.open_vault(args)
    try:
        result = privacy_service.erase_case_in_vault(vault, args.case_id)
    finally:
        vault.close()
    print(
        f"Erased case {result.code} ({result.case_id}); only a 'case erased' entry remains in the audit log."
    )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    f = audit_service.AuditFilter(
        case_id=args.case,
        action=args.action,
        since=_date(args.since, "start"),
        until=_date(args.until, "end"),
    )
    entries = main.in_vault(args, lambda uow: audit_service.list_entries(uow, f, limit=args.limit))

    def lines(e: Any) -> list[str]:
        when = e.at.astimezone().strftime("%Y-%m-%d %H:%M")
        return [f"{when}  {e.action:<9} {e.case_id or '-':<36}  {e.actor}  {e.detail}".rstrip()]

    return main.print_list(
        args, entries, as_json=audit_service.entry_json, lines=lines, empty="No audit entries match."
    )


def cmd_sar(args: argparse.Namespace) -> int:
    out = Path(args.out_dir).expanduser()
    if not out.is_dir():
        raise InvalidInput("The folder for the subject access files does not exist.")
    files = main.in_vault(
        args, lambda uow: privacy_service.subject_access_export(uow, args.case_id, out, overwrite=args.force)
    )
    for p in (files.summary_pdf, files.chronology_pdf, files.json):
        print(p)
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    today = _date(args.today, "today's") or date.today()
    due = main.in_vault(args, lambda uow: retention_service.cases_past_retention(uow, today))

    def as_json(d: Any) -> dict[str, Any]:
        closed, review = d.closed_on.isoformat(), d.review_due.isoformat()
        return {
            "case_id": d.case_id,
            "code": d.code,
            "closed_on": closed,
            "review_due": review,
            "reason": d.reason,
        }

    def lines(d: Any) -> list[str]:
        closed, due_on = format_date(d.closed_on), format_date(d.review_due)
        return [f"{d.case_id}  {d.code}  closed {closed}, review due {due_on}"]

    empty = "No closed case is past the retention period."
    return main.print_list(args, due, as_json=as_json, lines=lines, empty=empty)


def register(sub: main.SubParsers, add_common: main.AddCommon) -> None:
    command = main.commands(sub, add_common)
    p = command(cmd_erase, "erase", help="erase a case and every trace of it for good (UK GDPR erasure)")
    p.add_argument("case_id")
    p.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    p = command(cmd_audit, "audit", help="who viewed, changed, printed, exported or imported which case")
    p.add_argument("--case", help="only this case id")
    p.add_argument("--action", choices=audit_service.ACTIONS)
    p.add_argument("--since", help="from this date (YYYY-MM-DD), inclusive")
    p.add_argument("--until", help="up to this date (YYYY-MM-DD), inclusive")
    p.add_argument("--limit", type=int, default=5000)
    p.add_argument("--json", action="store_true")

    p = command(cmd_sar, "sar", help="subject access export: the case as PDFs and JSON")
    p.add_argument("case_id")
    p.add_argument("--out-dir", required=True, help="an existing folder for the files")
    p.add_argument("--force", action="store_true", help="replace files of an earlier export")

    p = command(cmd_retention, "retention", help="closed cases past the retention period, for review")
    p.add_argument("--today", help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true")

"""``imsa deadlines`` and ``imsa ics`` (reference: docs/cli.md)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from imsa_desktop.cli import main
from imsa_desktop.domain.dates import format_date, parse_iso_date
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import deadlines as deadline_service
from imsa_desktop.services import ics as ics_service


def _today(args: argparse.Namespace) -> date:
    if args.today:
        return parse_iso_date(args.today)
    return date.today()


def cmd_deadlines(args: argparse.Namespace) -> int:
    today = _today(args)  # checked before asking for the passphrase
    if args.within is not None and args.within < 0:
        raise InvalidInput("The number of days must be zero or more.")
    vault = main.open_vault(args)
    try:
        rows = deadline_service.all_deadlines(
            vault.unit_of_work(),
            today,
            case_id=args.case,
            within_days=args.within,
            include_met=args.all,
        )
        notes = [] if args.json else deadline_service.all_notes(vault.unit_of_work(), case_id=args.case)
    finally:
        vault.close()
    if args.json:
        main.emit_json(
            [
                {
                    "key": r.key,
                    "case_id": r.case_id,
                    "code": r.case_code,
                    "name": r.display_name,
                    "rule": r.deadline.rule.id,
                    "title": r.deadline.title,
                    "due": r.deadline.due.isoformat(),
                    "computed_due": r.deadline.computed_due.isoformat(),
                    "overridden": r.deadline.overridden,
                    "override_reason": r.deadline.override_reason,
                    "days_left": r.deadline.days_left(today),
                    "state": r.deadline.state.value,
                    "met_on": r.deadline.met_on.isoformat() if r.deadline.met_on else None,
                    "met_late_days": r.deadline.met_late_days,
                    "status": r.deadline.status_text,
                    "dismissed_reason": r.deadline.dismissed_reason,
                    "counting": r.deadline.rule.counting.value,
                    "wording": r.deadline.rule.wording,
                    "to_be_confirmed": r.deadline.rule.to_be_confirmed,
                    "caution": r.deadline.caution,
                    "guidance_version": r.deadline.rule.guidance_version,
                    "nature": r.deadline.rule.nature.value,
                    "trigger": r.deadline.trigger_description,
                    "source": r.deadline.rule.source,
                    "explanation": r.explanation,
                }
                for r in rows
            ]
        )
        return 0
    if not rows:
        print("No deadlines in that window.")
    for r in rows:
        d = r.deadline
        left = d.days_left(today)
        when = "today" if left == 0 else (f"in {left} days" if left > 0 else f"{-left} days ago")
        mark = " (date changed)" if d.overridden else ""
        status = d.status_text if d.state.value == "met" else d.state.label
        caution = "  (check para 14.216)" if d.caution else ""
        print(f"{d.due.isoformat()}  {status:<9} {when:<13} {r.case_code}  {d.title}{mark}{caution}")
    for case, n in notes:
        print(f"no date      {case.code}  {n.title}: {deadline_service.explain(n)}")
    if rows:
        print(f"As of {format_date(today)}.", file=sys.stderr)
    return 0


def cmd_ics(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".ics":
        raise InvalidInput("The calendar file name must end in .ics.")
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise InvalidInput("The folder for the calendar file does not exist.")
    vault = main.open_vault(args)
    try:
        result = ics_service.build_ics(
            vault.unit_of_work(),
            case_id=args.case,
            with_initials=args.initials,
            with_deadlines=args.deadlines,
            today=_today(args) if args.deadlines else None,
            uow_factory=vault.unit_of_work,
        )
        ics_service.write_ics(out, result.data)
        ics_service.record_export(
            vault.unit_of_work(), result, case_id=args.case, with_initials=args.initials
        )
    finally:
        vault.close()
    extra = f" and {result.deadline_count} deadline(s)" if args.deadlines else ""
    print(f"Wrote {result.count} appointment(s){extra} to {out}", file=sys.stderr)
    return 0


def register(sub: main.SubParsers, add_common: main.AddCommon) -> None:
    command = main.commands(sub, add_common)
    p = command(cmd_deadlines, "deadlines", help="deadlines across cases, or for one case")
    p.add_argument("--case", metavar="CASE_ID", help="only this case")
    p.add_argument("--within", type=int, metavar="DAYS", help="due within DAYS days (overdue always shown)")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="count from this date instead of today")
    p.add_argument("--all", action="store_true", help="include deadlines already met")
    p.add_argument("--json", action="store_true")

    p = command(cmd_ics, "ics", help="appointments as an iCalendar file (pseudonymous by default)")
    p.add_argument("--case", metavar="CASE_ID", help="only this case")
    p.add_argument("--out", required=True, metavar="FILE.ics")
    p.add_argument("--initials", action="store_true", help="add the survivor's initials to each entry")
    p.add_argument(
        "--deadlines", action="store_true", help="add open deadlines as all-day events with a reminder"
    )
    p.add_argument("--today", metavar="YYYY-MM-DD", help="with --deadlines: which are still open")

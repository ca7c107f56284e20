"""``imsa letter reconsideration``, ``imsa timeline`` and ``imsa summary`` (reference: docs/cli.md).

Outputs are written atomically (temporary file in the target folder, fsync, rename): on any
failure nothing is half-written. A late request is refused (exit 1) unless all three parts of
the exceptional-circumstances section are given.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from imsa_desktop.cli import main
from imsa_desktop.domain import letters
from imsa_desktop.domain.dates import format_date, parse_iso_date
from imsa_desktop.errors import InvalidInput, LetterRefused
from imsa_desktop.services import documents as doc_service
from imsa_desktop.services import letters as letter_service


def _today(args: argparse.Namespace) -> date:
    return parse_iso_date(args.today, what="--today date") if args.today else date.today()


def _check_out(path: str) -> Path:
    out = Path(path).expanduser()
    if not out.parent.is_dir():
        raise InvalidInput("The folder for --out does not exist.")
    if out.is_dir():
        raise InvalidInput("--out is a folder; give a file name ending in .pdf.")
    return out


def _pairs(values: list[str] | None, option: str) -> dict[str, list[str]] | None:
    if not values:
        return None
    out: dict[str, list[str]] = {}
    for v in values:
        key, sep, rest = v.partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise InvalidInput(f"{option} takes GROUND=VALUE (for example {option} wrong_threshold=ev-1).")
        out.setdefault(key.strip(), []).append(rest.strip())
    return out


def cmd_letter_reconsideration(args: argparse.Namespace) -> int:
    out = _check_out(args.out)
    today = _today(args)
    consent = parse_iso_date(args.consent_date, what="--consent-date") if args.consent_date else None
    exceptional = letters.ExceptionalCircumstances(
        reason_for_delay=args.late_reason or "",
        why_material=args.materiality or "",
        why_not_earlier=args.why_not_earlier or "",
    )
    vault = main.open_vault(args)
    try:
        uow = vault.unit_of_work
        ctx = letter_service.load_context(
            uow(), args.case_id, args.decision, today=today, default_signatory=vault.advocate_name
        )
        if ctx.late and exceptional.missing():
            raise LetterRefused(
                f"The request is late (the deadline was {format_date(ctx.deadline)}), so the "
                "exceptional-circumstances section is required: give --late-reason, --materiality "
                "and --why-not-earlier."
            )
        grounds = args.ground or (["new_evidence"] if args.enclose else [])
        answers: dict[str, list[int]] = {}
        for key, values in (_pairs(args.answers, "--answers") or {}).items():
            for v in values:
                if not v.isdigit():
                    raise InvalidInput("--answers takes GROUND=N, N the number of a reason of the decision.")
                answers.setdefault(key, []).append(int(v))
        shows = {k: " ".join(v) for k, v in (_pairs(args.shows, "--shows") or {}).items()}
        before = set(args.before_decision_maker or [])
        notes = {
            ev: letters.EnclosureNote(shows=shows.get(ev, ""), before_decision_maker=ev in before)
            for ev in set(shows) | before
        }
        choices = letter_service.LetterChoices(
            grounds=grounds,
            enclose=list(args.enclose or []),
            requester_capacity=args.capacity or letter_service.DEFAULT_CAPACITY,
            consent_date=consent or ctx.consent_date,
            exceptional=exceptional if ctx.late else None,
            ground_enclosures=_pairs(args.cite, "--cite"),
            ground_facts=_pairs(args.fact, "--fact"),
            ground_reasons=answers or None,
            enclosure_notes=notes or None,
            mode=args.mode or "",
            holding=letters.Holding(
                reason=args.holding_reason or "",
                awaited=list(args.awaited or []),
                evidence_by=parse_iso_date(args.evidence_by, what="--evidence-by")
                if args.evidence_by
                else None,
            )
            if args.mode == "holding"
            else None,
            exceptional_enclosures=list(args.exceptional_evidence or []),
        )
        draft = letter_service.build(ctx, choices, today)
        problems = letter_service.errors(draft, today)
        if problems:
            raise LetterRefused(problems[0].message)
        pdf = letter_service.render(draft, strict=True, today=today)
        doc_service.write_atomic(out, pdf)
        if args.save_draft:
            rec = letter_service.save_draft(uow(), draft)
            print(rec.id)
        doc_service.record_output(uow(), args.case_id, doc_service.SAVED_PDF, doc_service.LETTER)
    finally:
        vault.close()
    if not args.quiet:
        print(f"Wrote {out}", file=sys.stderr)
    return 0


def _case_pdf(args: argparse.Namespace, what: str) -> int:
    out = _check_out(args.out)
    today = _today(args)
    vault = main.open_vault(args)
    try:
        data = doc_service.gather(vault.unit_of_work(), args.case_id, today)
        if what == doc_service.TIMELINE:
            pdf = doc_service.render_timeline_pdf(data, pseudonymous=args.pseudonymous)
        else:
            pdf = doc_service.render_summary_pdf(data, pseudonymous=args.pseudonymous)
        doc_service.write_atomic(out, pdf)
        doc_service.record_output(
            vault.unit_of_work(), args.case_id, doc_service.SAVED_PDF, what, pseudonymous=args.pseudonymous
        )
    finally:
        vault.close()
    if not args.quiet:
        print(f"Wrote {out}", file=sys.stderr)
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    return _case_pdf(args, doc_service.TIMELINE)


def cmd_summary(args: argparse.Namespace) -> int:
    return _case_pdf(args, doc_service.SUMMARY)


def register(sub: main.SubParsers, add_common: main.AddCommon) -> None:
    command = main.commands(sub, add_common)
    letter = sub.add_parser("letter", help="letters (reconsideration requests)")
    lsub = letter.add_subparsers(dest="letter_command", required=True, parser_class=main._Parser)
    letter_command = main.commands(lsub, add_common)
    p = letter_command(
        cmd_letter_reconsideration,
        "reconsideration",
        help="a reconsideration request for a negative RG or CG decision, as PDF",
        description="Draft a reconsideration request and write it as PDF. Exit 1 (one sentence on "
        "stderr) for an unknown case or decision, a decision that is not a negative RG/CG, or a "
        "late request without its exceptional-circumstances section.",
    )
    p.add_argument("case_id")
    p.add_argument("--decision", required=True, help="the negative RG or CG decision's id")
    p.add_argument("--ground", action="extend", nargs="+", metavar="KEY", help="ground keys, in order")
    p.add_argument(
        "--enclose", action="extend", nargs="+", metavar="EVIDENCE_ID", help="evidence, numbered in order"
    )
    p.add_argument("--cite", action="append", metavar="GROUND=EVIDENCE_ID", help="evidence a ground cites")
    p.add_argument("--fact", action="append", metavar="GROUND=TEXT", help="a chronology fact a ground cites")
    p.add_argument(
        "--answers", action="append", metavar="GROUND=N", help="a ground answers reason N of the decision"
    )
    p.add_argument("--shows", action="append", metavar="EVIDENCE_ID=TEXT", help="what an enclosure shows")
    p.add_argument(
        "--before-decision-maker",
        action="extend",
        nargs="+",
        metavar="EVIDENCE_ID",
        help="enclosures that were before the decision maker when the decision was made",
    )
    p.add_argument(
        "--mode", choices=("full", "holding", "late"), help="default: full, or late once out of time"
    )
    p.add_argument("--holding-reason", help="holding requests: why the evidence cannot be sent now")
    p.add_argument("--awaited", action="append", metavar="TEXT", help="holding requests: evidence awaited")
    p.add_argument("--evidence-by", help="holding requests: date the evidence will follow, YYYY-MM-DD")
    p.add_argument(
        "--exceptional-evidence",
        action="extend",
        nargs="+",
        metavar="EVIDENCE_ID",
        help="late requests: enclosures that show the exceptional circumstances",
    )
    p.add_argument("--out", required=True, help="the PDF to write")
    p.add_argument("--today", help="letter date, YYYY-MM-DD (default: today)")
    p.add_argument(
        "--capacity", help=f"in what capacity you write (default: {letter_service.DEFAULT_CAPACITY})"
    )
    p.add_argument("--consent-date", help="date of the survivor's written consent (default: latest recorded)")
    p.add_argument("--late-reason", help="late requests: the reason for the delay")
    p.add_argument("--materiality", help="late requests: why the evidence is material")
    p.add_argument("--why-not-earlier", help="late requests: why it was not provided earlier")
    p.add_argument("--save-draft", action="store_true", help="also keep it as a draft letter; prints its id")
    p.add_argument("--quiet", action="store_true", help="do not report the path written")

    for name, func, text in (
        ("timeline", cmd_timeline, "the printable case chronology (PDF)"),
        ("summary", cmd_summary, "the case summary (PDF)"),
    ):
        p = command(func, name, help=text)
        p.add_argument("case_id")
        p.add_argument("--out", required=True, help="the PDF to write")
        p.add_argument("--pseudonymous", action="store_true", help="the case code instead of the name")
        p.add_argument("--today", help="print date, YYYY-MM-DD (default: today)")
        p.add_argument("--quiet", action="store_true", help="do not report the path written")

"""``imsa stats`` and ``imsa stats combine`` (reference: docs/cli.md; docs/statistics.md).

``imsa stats --from YYYY-MM-DD --to YYYY-MM-DD --out stats.json|stats.csv`` writes this vault's
anonymous statistics: counts only, exact (the file says it stays inside the organisation).
``imsa stats combine a.json b.json ... --out report.pdf|report.csv [--threshold 5]`` adds
several advocates' exports into one organisation report with small-number suppression.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from imsa_desktop.cli import main
from imsa_desktop.domain import stats as st
from imsa_desktop.domain.dates import format_date, parse_iso_date
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import stats as stats_service


def _date(text: str, what: str) -> date:
    return parse_iso_date(text, f"{what} date")


def _check_out(out: Path, allowed: tuple[str, ...], what: str) -> None:
    if out.suffix.lower() not in allowed:
        raise InvalidInput(f"The {what} file name must end in {' or '.join(allowed)}.")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"The folder for the {what} file does not exist.")


def cmd_stats(args: argparse.Namespace) -> int:
    missing = [o for o, v in (("--from", args.start), ("--to", args.end), ("--out", args.out)) if not v]
    if missing:
        args.stats_parser.error(f"the following arguments are required: {', '.join(missing)}")
    # Everything is checked before the passphrase is asked for.
    period = st.Period(_date(args.start, "--from"), _date(args.end, "--to"))
    filters = st.Filters(
        jurisdiction=args.jurisdiction,
        route=args.route,
        age_at_exploitation=args.age,
        exploitation_type=args.exploitation,
        nationality_group=args.nationality,
    )
    today = _date(args.today, "--today") if args.today else date.today()
    out = Path(args.out).expanduser()
    _check_out(out, (".json", ".csv"), "statistics")
    export = main.in_vault(
        args, lambda uow: stats_service.export_statistics(uow, out, period, filters, today)
    )
    c = export.counts
    print(
        f"Wrote statistics for {format_date(period.start)} to {format_date(period.end)} "
        f"({c.get('cases.open_during')} cases open in the period, {c.filters.describe()}) to {out}. "
        "The counts are exact: keep the file inside the organisation.",
        file=sys.stderr,
    )
    return 0


def cmd_combine(args: argparse.Namespace) -> int:
    threshold = st.check_threshold(args.threshold)
    out = Path(args.out).expanduser()
    _check_out(out, (".pdf", ".csv"), "report")
    paths = [Path(p).expanduser() for p in args.files]
    if any(p.resolve() == out.resolve() for p in paths):
        raise InvalidInput("The report would overwrite one of the statistics files; choose another name.")
    combined = stats_service.combine_files(paths)
    report = stats_service.make_report(combined, threshold)
    stats_service.write_report(report, out)
    hidden = sum(1 for c in report.published.cells.values() if c.hidden in ("primary", "secondary"))
    print(
        f"Combined {combined.vaults} vault export(s) into {out}: {hidden} cell(s) suppressed "
        f"(threshold {threshold}).",
        file=sys.stderr,
    )
    return 0


def register(sub: main.SubParsers, add_common: main.AddCommon) -> None:
    p = sub.add_parser(
        "stats",
        help="anonymous statistics of this vault (counts only), or 'stats combine' for a report",
        description="Write this vault's anonymous statistics for a period (exact counts, for use "
        "inside the organisation), or combine several exports into a suppressed report.",
    )
    add_common(p)
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="first day of the period")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="last day of the period (included)")
    p.add_argument("--out", metavar="FILE.json|FILE.csv", help="where to write the export")
    p.add_argument("--jurisdiction", choices=st.JURISDICTIONS, help="only cases in this jurisdiction")
    p.add_argument("--route", choices=st.ROUTES, help="only NRM referrals or only Duty to Notify")
    p.add_argument("--age", choices=st.AGES, help="only adults, or only children, at exploitation")
    p.add_argument("--exploitation", choices=st.EXPLOITATION_KEYS, help="only this exploitation type")
    p.add_argument("--nationality", choices=tuple(st.NATIONALITY_GROUPS), help="only this nationality group")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="count as of this day instead of today")
    p.set_defaults(func=cmd_stats, stats_parser=p)
    ssub = p.add_subparsers(dest="stats_command", required=False, parser_class=type(p))
    c = ssub.add_parser(
        "combine",
        help="add several advocates' exports into one report with small-number suppression",
        description="Add several advocates' .json exports (same period and filter, each vault once) "
        "into one organisation report, with small numbers suppressed.",
    )
    add_common(c)
    c.add_argument("files", nargs="+", metavar="STATS.json")
    c.add_argument("--out", required=True, metavar="REPORT.pdf|REPORT.csv")
    c.add_argument(
        "--threshold",
        type=int,
        default=st.DEFAULT_THRESHOLD,
        metavar="N",
        help=f"counts below N show 'fewer than N' (default {st.DEFAULT_THRESHOLD}; 3 or more, or 1 for none)",
    )
    c.set_defaults(func=cmd_combine)

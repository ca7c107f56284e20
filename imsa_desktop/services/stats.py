"""Anonymous statistics of one vault, their export, and the organisation report.

One narrow read of the vault (``cases.statistics_rows``: no names, notes, references or dates
of birth), the letters and the deadline marks; each case becomes a ``domain.stats.CaseFacts``
and ``domain.stats.count`` does the counting. At 10,000 cases this stays well under a second
(see benchmarks, figure ``stats_ms``).

Files:

* ``write_export``: the advocate's export, ``.json`` (what ``combine`` reads) or ``.csv``.
  Exact counts, and the file says so: it stays inside the organisation.
* ``write_report``: several exports combined, with small-number suppression, as ``.pdf`` or
  ``.csv``: the only files meant to leave the organisation.

The vault's pseudonymous id (``vault_id``) is HMAC-SHA256, keyed with the vault's own secret
bundle identity (the age X25519 secret kept inside the encrypted vault), of a fixed label. It is
stable for the life of the vault (backups and restores keep the identity), different for every
vault, and reveals nothing: without the secret nobody can compute it, so it cannot be matched
to the vault's public key (which colleagues hold) or to the advocate, and HMAC does not give the
key back. It lets ``combine`` refuse the same vault twice.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from imsa_desktop.domain import stats as st
from imsa_desktop.domain.deadlines import DeadlineState, add_period, compute_deadlines
from imsa_desktop.domain.letter_records import LetterRecord, met_evidence
from imsa_desktop.domain.model import (
    Case,
    DeadlineOverride,
    Decision,
    DecisionKind,
    Jurisdiction,
    Outcome,
    Referral,
    ReferralRoute,
    Survivor,
)
from imsa_desktop.domain.rules import Nature, PeriodUnit, Rule, Trigger, rules_in_force
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services import identity as identity_service
from imsa_desktop.services.deadlines import holiday_calendar, rules
from imsa_desktop.services.ports import AbstractUnitOfWork

VAULT_ID_LABEL = b"IMSA Desktop statistics: pseudonymous vault id, v1"
MAX_EXPORT_BYTES = 2_000_000  # an export is a few kilobytes; refuse anything far larger
# The time limits counted as "deadlines met and missed": asking for reconsideration of a negative
# RG, CG or VTS decision (resources/rules/reconsideration.toml). Judicial review backstops are
# left out: not bringing a claim is usually the right outcome, not a missed deadline.
RECONSIDERATION_SERIES = ("reconsideration_rg", "reconsideration_cg", "vts_reconsideration")


def app_version() -> str:
    try:
        from importlib.metadata import version

        return version("imsa-desktop")
    except Exception:  # pragma: no cover - not installed (running from a source tree)
        return "unknown"


def vault_id(uow: AbstractUnitOfWork) -> str:
    """This vault's pseudonymous id for statistics (see the module docstring)."""
    identity_service.ensure_identity(uow)
    with uow:
        secret = identity_service.age_secret_in(uow)
    digest = hmac.new(secret.encode("utf-8"), VAULT_ID_LABEL, hashlib.sha256).hexdigest()
    return "vault-" + digest[:32]


# ---- reading the vault -----------------------------------------------------------------------


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _deadline_rules() -> tuple[list[Rule], list[Rule]]:
    """(the RG target rules, the reconsideration-request time limits)."""
    all_rules = rules()
    target = [r for r in all_rules if Trigger.REFERRAL in r.triggers and r.nature is Nature.TARGET]
    limits = [r for r in all_rules if r.nature is Nature.HARD_LIMIT and r.series in RECONSIDERATION_SERIES]
    return target, limits


def _stamp(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=UTC)


def _deadline_case(row: dict[str, Any], jurisdiction: str, referral_date: date | None, route: str) -> Case:
    """Just enough of the case for the deadline engine (its referral and decisions)."""
    decisions = []
    for d in row.get("decisions") or []:
        try:
            kind = DecisionKind(d.get("kind"))
            outcome = Outcome(d["outcome"]) if d.get("outcome") else None
        except ValueError:
            continue
        stamp = _stamp(d.get("created_at"))
        decisions.append(
            Decision(
                id=str(d.get("id") or ""),
                kind=kind,
                outcome=outcome,
                date=_day(d.get("date")),
                created_at=stamp,
                updated_at=stamp,
            )
        )
    stamp = _stamp(row.get("created_at"))
    return Case(
        id=str(row.get("id") or ""),
        code="",
        created_at=stamp,
        updated_at=stamp,
        survivor=Survivor(full_name=""),
        jurisdiction=_jurisdiction(jurisdiction),
        referral=Referral(
            date=referral_date,
            route=ReferralRoute.DUTY_TO_NOTIFY if route == "duty_to_notify" else ReferralRoute.NRM,
        ),
        decisions=decisions,
    )


def _jurisdiction(value: str) -> Jurisdiction:
    try:
        return Jurisdiction(value)
    except ValueError:  # the model validates it on save; never fail a count on an odd record
        return Jurisdiction.ENGLAND_WALES


@lru_cache(maxsize=1)
def _longest_limit_days() -> int:
    """A safe upper bound, in calendar days, of the longest reconsideration time limit."""
    longest = 0
    for rule in _deadline_rules()[1]:
        if rule.period is None:
            continue
        n = rule.period.amount
        unit = PeriodUnit(rule.period.unit)
        days = (
            n if unit is PeriodUnit.CALENDAR_DAYS else (31 * n if unit is PeriodUnit.MONTHS else 2 * n + 14)
        )
        longest = max(longest, days)
    return longest + 1


@lru_cache(maxsize=4096)
def _rg_target_due(referral_date: date, jurisdiction: str) -> date | None:
    """The last day of the RG target for a referral (many cases share a referral day)."""
    for rule in rules_in_force(_deadline_rules()[0], Trigger.REFERRAL, jurisdiction, referral_date):
        if rule.period is not None:
            return add_period(
                referral_date,
                rule.period.amount,
                rule.period.unit,
                _jurisdiction(jurisdiction),
                holiday_calendar(),
                rule.counting,
            )
    return None


def _case_facts(
    row: dict[str, Any],
    letters: list[LetterRecord],
    overrides: list[DeadlineOverride],
    limit_rules: list[Rule],
    today: date,
    window: tuple[date, date] | None = None,
) -> st.CaseFacts:
    """``window``: only negative decisions dated in it can have a time limit ending in the
    period, so only those cases get their time limits computed (the costly part)."""
    referral = row.get("referral") or {}
    jurisdiction = row.get("jurisdiction") or "england-wales"
    referral_date = _day(referral.get("date"))
    route = referral.get("route") or "nrm"
    raw_decisions = row.get("decisions") or []
    decisions = tuple(
        st.DecisionFact(str(d.get("kind") or ""), str(d.get("outcome") or ""), _day(d.get("date")))
        for d in raw_decisions
    )
    calendar = holiday_calendar()
    rg_due = None
    if referral_date is not None and route != "duty_to_notify" and any(d.kind == st.RG for d in decisions):
        rg_due = _rg_target_due(referral_date, jurisdiction)
    deadlines: tuple[st.DeadlineFact, ...] = ()
    if any(
        d.outcome == st.NEGATIVE
        and d.kind in (st.RG, st.CG, "vts")
        and (window is None or (d.on is not None and window[0] <= d.on <= window[1]))
        for d in decisions
    ):
        case = _deadline_case(row, jurisdiction, referral_date, route)
        evidence: dict[str, date] = {}
        if letters:
            keys = [f"{r.id}:{d.id}" for r in limit_rules for d in case.decisions]
            evidence = met_evidence(letters, keys)
        found = compute_deadlines(case, limit_rules, calendar, today, overrides, met_evidence=evidence)
        deadlines = tuple(st.DeadlineFact(d.due, d.state is DeadlineState.MET, d.met_on) for d in found)
    adult = row.get("adult_at_exploitation")
    created = _day(row.get("created_at")) or today
    return st.CaseFacts(
        jurisdiction=jurisdiction,
        status=str(row.get("status") or "open"),
        created_on=created,
        closed_on=_day(row.get("closed_on")),
        referral_date=referral_date,
        route=route,
        adult_at_exploitation=adult if isinstance(adult, bool) else None,
        exploitation_types=tuple(str(t) for t in row.get("exploitation_types") or ()),
        nationality_group=st.nationality_group(str(row.get("nationality") or "")),
        re_referral_count=max(0, int(row.get("re_referral_count") or 0)),
        decisions=decisions,
        rg_target_due=rg_due,
        deadlines=deadlines,
        letters=tuple(
            st.LetterFact(
                kind=r.letter_kind,
                sent_on=r.sent_on,
                answered=r.response_on is not None or r.outcome is not None,
            )
            for r in letters
        ),
    )


def collect(uow: AbstractUnitOfWork, period: st.Period, filters: st.Filters, today: date) -> st.Counts:
    """Exact counts of this vault for ``period`` and ``filters``, as of ``today``."""
    limit_rules = _deadline_rules()[1]
    window = (period.start - timedelta(days=_longest_limit_days()), period.end)
    with uow:
        case_rows = uow.cases.statistics_rows()
        letter_list = uow.letters.between("", "\uffff")
        override_list = uow.overrides.between("", "\uffff")
    letters: dict[str, list[LetterRecord]] = defaultdict(list)
    for letter in letter_list:
        letters[letter.case_id].append(letter)
    overrides: dict[str, list[DeadlineOverride]] = defaultdict(list)
    for ov in override_list:
        overrides[ov.case_id].append(ov)
    facts = (
        _case_facts(row, letters.get(row["id"], []), overrides.get(row["id"], []), limit_rules, today, window)
        for row in case_rows
    )
    return st.count(facts, period, filters, today)


def make_export(
    uow: AbstractUnitOfWork,
    period: st.Period,
    filters: st.Filters,
    today: date,
    *,
    read_uow: AbstractUnitOfWork | None = None,
) -> st.Export:
    """This vault's export. ``read_uow`` (a read-only unit of work) does the counting if given,
    so a long count never holds the write lock; ``uow`` only creates the identity if missing."""
    return st.Export(
        app_version=app_version(),
        vault=vault_id(uow),
        generated_on=today,
        counts=collect(read_uow or uow, period, filters, today),
    )


# ---- files -------------------------------------------------------------------------------------


def _csv_text(header: list[list[str]], pub: st.Published) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for line in header:
        w.writerow(line)
    w.writerow([])
    w.writerow(["section", "figure", "label", "value", "definition"])
    for row in st.rows(pub):
        w.writerow(row)
    return buf.getvalue().encode("utf-8-sig")


def export_bytes(export: st.Export, suffix: str) -> bytes:
    if suffix == ".json":
        return (json.dumps(st.export_to_dict(export), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    c = export.counts
    header = [
        ["IMSA Desktop statistics export", ""],
        ["schema", export.schema],
        ["app_version", export.app_version],
        ["vault", export.vault],
        ["generated_on", export.generated_on.isoformat()],
        ["period", f"{c.period.start.isoformat()} to {c.period.end.isoformat()}"],
        ["filter", c.filters.describe()],
        ["exact_counts", "yes"],
        ["notice", st.EXACT_NOTICE],
    ]
    return _csv_text(header, st.exact(c))


def _suffix(path: Path, allowed: tuple[str, ...], what: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise InvalidInput(f"The {what} file name must end in {' or '.join(allowed)}.")
    return suffix


def write_export(export: st.Export, path: Path) -> None:
    """Write the export as .json or .csv, all or nothing."""
    from imsa_desktop.services.documents import write_atomic

    write_atomic(path, export_bytes(export, _suffix(path, (".json", ".csv"), "statistics")))


def record_export(uow: AbstractUnitOfWork, export: st.Export, what: str = "statistics export") -> None:
    c = export.counts
    with uow:
        uow.audit.record(
            "exported",
            None,
            f"{what}: counts only, {c.period.start.isoformat()} to {c.period.end.isoformat()}",
        )
        uow.commit()


def export_statistics(
    uow: AbstractUnitOfWork, path: Path, period: st.Period, filters: st.Filters, today: date
) -> st.Export:
    """Count, write the file, and note the export in the audit log."""
    _suffix(path, (".json", ".csv"), "statistics")
    export = make_export(uow, period, filters, today)
    save_export(uow, export, path)
    return export


def save_export(uow: AbstractUnitOfWork, export: st.Export, path: Path) -> None:
    """Write an export already made (the GUI shows it first) and note it in the audit log."""
    write_export(export, path)
    record_export(uow, export)


def read_export(path: Path) -> st.Export:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_EXPORT_BYTES + 1)
    except OSError:
        raise InvalidInput(f"The statistics file {path.name} could not be read.") from None
    if len(data) > MAX_EXPORT_BYTES:
        raise InvalidInput(f"The file {path.name} is too large to be a statistics export.")
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput(
            f"The file {path.name} is not a statistics export in JSON (combine reads the .json exports)."
        ) from None
    try:
        return st.export_from_dict(parsed)
    except InvalidInput as e:
        raise InvalidInput(f"{path.name}: {e.user_message}") from None


def combine_files(paths: list[Path]) -> st.Combined:
    exports = [read_export(p) for p in paths]
    return st.combine(exports)


@dataclass(frozen=True)
class Report:
    combined: st.Combined
    published: st.Published


def make_report(combined: st.Combined, threshold: int = st.DEFAULT_THRESHOLD) -> Report:
    return Report(combined, st.publish(combined.counts, threshold))


def report_bytes(report: Report, suffix: str) -> bytes:
    if suffix == ".pdf":
        from imsa_desktop.documents.stats_pdf import render_report

        pdf: bytes = render_report(report.combined, report.published)
        return pdf
    c = report.combined
    p = c.counts.period
    header = [
        ["IMSA Desktop organisation statistics report", ""],
        ["schema", st.SCHEMA],
        ["vaults combined", str(c.vaults)],
        ["app versions", ", ".join(c.app_versions)],
        ["period", f"{p.start.isoformat()} to {p.end.isoformat()}"],
        ["filter", c.counts.filters.describe()],
        [
            "suppression",
            f"counts from 1 to {report.published.threshold - 1} show "
            f"'fewer than {report.published.threshold}'; 'hidden' cells are suppressed so that"
            " no small count can be worked out from totals",
        ],
    ]
    return _csv_text(header, report.published)


def write_report(report: Report, path: Path) -> None:
    from imsa_desktop.services.documents import write_atomic

    suffix = _suffix(path, (".pdf", ".csv"), "report")
    write_atomic(path, report_bytes(report, suffix))

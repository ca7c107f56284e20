"""Bundle merge: plan (and, when applying, write) one incoming case document record by record.

The decision for each record is ``domain.sync.merge_record`` (pure, table-tested); this module
loads our copy, counts the outcomes for the preview and writes what is taken.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from imsa_desktop.domain import case_document
from imsa_desktop.domain.codec import to_jsonable
from imsa_desktop.domain.model import Case, Record, new_id
from imsa_desktop.domain.sync import Choice, Outcome, comparable, merge_record, restore_withheld, sync_key
from imsa_desktop.errors import InvalidInput
from imsa_desktop.services.bundles.export import records_of
from imsa_desktop.services.cases import load_document
from imsa_desktop.services.ports import AbstractUnitOfWork

# The advocate's answer to a conflict: keep mine, take theirs, or keep both ("both": ours stays
# and theirs is added beside it as a new record; the case details themselves cannot be doubled,
# so "both" keeps ours there).
ImportChoice = Literal["mine", "theirs", "both"]


@dataclass(frozen=True)
class Conflict:
    case_id: str
    kind: str  # case, decision, consent, event, appointment, evidence
    record_id: str
    label: str  # "Event: Recruited with a false job offer" (shown only inside the app)
    mine: dict[str, Any]
    theirs: dict[str, Any]
    mine_updated: str
    theirs_updated: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record_id}"

    def differing_fields(self) -> list[str]:
        keys = sorted(set(self.mine) | set(self.theirs))
        return [k for k in keys if k != "updated_at" and self.mine.get(k) != self.theirs.get(k)]

    @property
    def can_keep_both(self) -> bool:
        return self.kind != "case"

    @property
    def added(self) -> bool:
        """A record the sender adds to an existing case (we have no copy): 'mine' = leave it out."""
        return not self.mine_updated

    def as_json(self) -> dict[str, Any]:
        fields = self.differing_fields()
        return {
            "kind": self.kind,
            "id": self.record_id,
            "added": self.added,
            "fields": fields,
            "mine": {f: self.mine.get(f) for f in fields},
            "theirs": {f: self.theirs.get(f) for f in fields},
        }


@dataclass
class CasePreview:
    case_id: str
    code: str
    display_name: str
    is_new: bool
    counts: dict[str, int] = field(default_factory=dict)  # records in the bundle by kind
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    attachments_new: int = 0
    withheld: list[str] = field(default_factory=list)
    # False: the sender is not one this case was shared with or by (or not in the address
    # book), so each of its changes is a conflict the advocate confirms (issue 19, hole 1)
    sender_trusted: bool = True

    @property
    def status(self) -> str:
        if self.is_new:
            return "new"
        if self.conflicts:
            return "conflicts"
        if self.new or self.updated or self.attachments_new:
            return "merged"
        return "unchanged"


@dataclass
class ImportReport:
    sender_name: str
    sender_known: bool
    signer_fingerprint: str
    created_at: str
    cases: list[CasePreview]
    applied: bool

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for p in self.cases for c in p.conflicts]

    def as_json(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "sender": {
                "name": self.sender_name,
                "known": self.sender_known,
                "fingerprint": self.signer_fingerprint,
            },
            "created_at": self.created_at,
            "cases": [
                {
                    "id": p.case_id,
                    "code": p.code,
                    "status": p.status,
                    "counts": p.counts,
                    "new_records": p.new,
                    "updated_records": p.updated,
                    "unchanged_records": p.unchanged,
                    "kept_records": p.kept,
                    "new_attachments": p.attachments_new,
                    "withheld": p.withheld,
                    "sender_trusted": p.sender_trusted,
                    "conflicts": [c.as_json() for c in p.conflicts],
                }
                for p in self.cases
            ],
        }


def _label(kind: str, r: Record) -> str:
    if isinstance(r, Case):
        return "Case details"
    title = getattr(r, "title", "") or getattr(r, "purpose", "")
    if not title and hasattr(r, "kind"):
        title = str(getattr(r.kind, "label", r.kind))
    return f"{kind.capitalize()}: {title}".strip()


class CaseMerger:
    """Plans (and, when ``apply``, writes) the merge of incoming case documents.

    ``sender_trusted=False``: every change the sender made needs the advocate's confirmation
    (``domain.sync``: THEIRS becomes CONFLICT)."""

    def __init__(
        self,
        uow: AbstractUnitOfWork,
        choices: dict[str, Any],
        default: Any,
        apply: bool,
        *,
        sender_trusted: bool = True,
    ) -> None:
        self.uow = uow
        self.choices = choices
        self.default = default
        self.apply = apply
        self.sender_trusted = sender_trusted
        self.new_bases: dict[str, dict[str, list[str]]] = {}

    def merge(self, incoming: case_document.CaseDocument, withheld: list[str]) -> CasePreview:
        uow = self.uow
        cid = incoming.case.id
        local = load_document(uow, cid) if uow.cases.find(cid) is not None else None
        if local is not None:
            incoming = restore_withheld(incoming, local, withheld)
        preview = CasePreview(
            cid,
            (local.case.code if local else incoming.case.code),
            incoming.case.survivor.display_name(),
            local is None,
            counts={
                "decisions": len(incoming.case.decisions),
                "consents": len(incoming.case.consents),
                "events": len(incoming.events),
                "appointments": len(incoming.appointments),
                "evidence": len(incoming.evidence),
            },
            withheld=list(withheld),
            sender_trusted=self.sender_trusted or local is None,
        )
        base: dict[str, list[str]] = dict(uow.settings.get(sync_key(cid)) or {})
        new_base = dict(base)
        if local is None:
            preview.new = len(records_of(incoming))
            for r in records_of(incoming):
                new_base[r.id] = [r.updated_at.isoformat()] * 2
            if self.apply:
                uow.cases.add(incoming.case)
                for name in ("events", "appointments", "evidence"):
                    repo = getattr(uow, name)
                    for rec in getattr(incoming, name):
                        repo.add(rec)
            self.new_bases[cid] = new_base
            return preview

        copies: dict[str, list[Record]] = {}  # kind -> theirs, added beside ours ("keep both")

        def decide(kind: str, mine: Record | None, theirs: Record) -> Record | None:
            """The record to keep (``domain.sync.merge_record``), counted in the preview; None:
            a record an untrusted sender adds, not taken."""
            key = f"{kind}:{theirs.id}"
            wanted = self.choices.get(key, self.default)
            if wanted not in ("mine", "theirs", "both"):
                raise InvalidInput("A conflict choice must be mine, theirs or both.")
            both = wanted == "both" and kind != "case"
            choice: Choice = "mine" if wanted == "both" else wanted
            result = merge_record(
                mine,
                theirs,
                base.get(theirs.id),
                choice=choice,
                sender_trusted=self.sender_trusted,
            )
            if both and result.outcome is Outcome.CONFLICT and mine is not None:
                copies.setdefault(kind, []).append(dataclasses.replace(theirs, id=new_id()))
            if both and mine is None:
                result = dataclasses.replace(result, keep="theirs")  # "both" of nothing: add theirs
            if mine is not None or result.take_theirs:
                new_base[theirs.id] = list(result.base)
            if result.outcome is Outcome.CONFLICT:
                preview.conflicts.append(
                    Conflict(
                        cid,
                        kind,
                        theirs.id,
                        _label(kind, mine if mine is not None else theirs),
                        comparable(mine) if mine is not None else {},
                        comparable(theirs),
                        mine.updated_at.isoformat() if mine is not None else "",
                        theirs.updated_at.isoformat(),
                    )
                )
            elif result.outcome is Outcome.NEW:
                preview.new += 1
            elif result.outcome is Outcome.UNCHANGED:
                preview.unchanged += 1
            elif result.outcome is Outcome.THEIRS:
                preview.updated += 1
            else:
                preview.kept += 1
            return theirs if result.take_theirs else mine

        core = decide("case", local.case, incoming.case)
        assert isinstance(core, Case)
        merged_case = copy.copy(core)
        for attr, kind in (("decisions", "decision"), ("consents", "consent")):
            mine_list: list[Any] = list(getattr(local.case, attr))
            by_id = {r.id: i for i, r in enumerate(mine_list)}
            for rec in getattr(incoming.case, attr):
                if rec.id in by_id:
                    mine_list[by_id[rec.id]] = decide(kind, mine_list[by_id[rec.id]], rec)
                else:
                    added = decide(kind, None, rec)
                    if added is not None:
                        mine_list.append(added)
            mine_list.extend(copies.pop(kind, []))
            setattr(merged_case, attr, mine_list)
        case_changed = to_jsonable(merged_case) != to_jsonable(local.case)
        if self.apply and case_changed:
            uow.cases.save(merged_case)
        for name, kind in (("events", "event"), ("appointments", "appointment"), ("evidence", "evidence")):
            repo = getattr(uow, name)
            mine_by_id = {r.id: r for r in getattr(local, name)}
            for rec in getattr(incoming, name):
                mine = mine_by_id.get(rec.id)
                if mine is None and repo.find(rec.id) is not None:
                    raise InvalidInput("A record in this bundle has the same id as a record of another case.")
                chosen = decide(kind, mine, rec)
                if self.apply and chosen is rec:
                    if mine is None:
                        repo.add(rec)
                    else:
                        repo.save(rec)
            if self.apply:
                for extra in copies.pop(kind, []):
                    repo.add(extra)
        self.new_bases[cid] = new_base
        return preview

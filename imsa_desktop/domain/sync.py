"""The bundle merge decision, record by record (pure: no storage, no clock).

Each vault keeps a *sync base* per shared case: for every record, the pair of stamps
``(mine, theirs)`` of the version both vaults last agreed on (written on export and on
import). An incoming record ("theirs") is compared with our copy ("mine"):

============================  =====================  ==========================================
our copy / contents           base                   outcome
============================  =====================  ==========================================
we have no copy               (any)                  NEW: take theirs
same contents                 (any)                  UNCHANGED: keep ours (nothing to write)
differs, only they changed    present                THEIRS: take theirs
differs, only we changed      present                MINE: keep ours
differs, neither changed      present                MINE: keep ours (the base says we agree)
differs, both changed         present                CONFLICT: the advocate chooses
differs                       absent                 CONFLICT: the advocate chooses
============================  =====================  ==========================================

``sender_trusted=False`` (a sender whose changes must be confirmed) turns every THEIRS into
a CONFLICT, and every record of theirs we do not have (NEW) into a CONFLICT too (keeping
"mine" then means: not added), so nothing of theirs replaces ours or is added to an existing
case without the advocate's choice (issue 19, hole 1).

Who may change a case without confirmation is recorded beside its sync base (settings
``sync_parties:<case id>``, ``parties_key``): the colleague who shared it with us
(``shared_by``) and those we shared it with (``shared_with``), by signing and age key. A
sender is trusted for a case only if it is in the address book and one of those parties
(``sender_is_party``).

Fields a sender withheld (need to know: ``safeguarding``, ``contact_details``) arrive blank;
``restore_withheld`` gives them our own values *before* the comparison, so "left out" is never
read as "changed to blank". Nothing is ever deleted by a merge.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from imsa_desktop.domain.case_document import CaseDocument
from imsa_desktop.domain.codec import to_jsonable
from imsa_desktop.domain.model import Case, Record

Choice = Literal["mine", "theirs"]
Base = Sequence[str]  # [mine stamp, theirs stamp] as ISO text (JSON in the vault settings)

WITHHELD_GROUPS = ("attachments", "safeguarding", "contact_details")
SYNC_PREFIX = "sync_base:"


def sync_key(case_id: str) -> str:
    """The settings key of a case's sync base."""
    return SYNC_PREFIX + case_id


class Outcome(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"
    THEIRS = "theirs"  # only the sender changed it
    MINE = "mine"  # only we changed it
    CONFLICT = "conflict"  # both changed it, no base, or an untrusted sender changed it


@dataclass(frozen=True)
class RecordMerge:
    outcome: Outcome
    keep: Choice  # which version the vault keeps
    base: tuple[str, str]  # the record's sync base after the merge

    @property
    def take_theirs(self) -> bool:
        return self.keep == "theirs"


def comparable(r: Record) -> dict[str, Any]:
    """A record's contents for comparison: without its stamp, case id or nested lists."""
    d: dict[str, Any] = to_jsonable(r)
    d.pop("updated_at", None)
    d.pop("case_id", None)
    if isinstance(r, Case):
        d.pop("decisions", None)
        d.pop("consents", None)
    return d


def classify(
    mine: Record | None, theirs: Record, base: Base | None, *, sender_trusted: bool = True
) -> Outcome:
    """Which cell of the table above the pair falls in."""
    if mine is None:
        return Outcome.NEW if sender_trusted else Outcome.CONFLICT
    if comparable(mine) == comparable(theirs):
        return Outcome.UNCHANGED
    if base is None:
        return Outcome.CONFLICT
    mine_changed = mine.updated_at.isoformat() != base[0]
    theirs_changed = theirs.updated_at.isoformat() != base[1]
    if not theirs_changed:
        return Outcome.MINE
    if not mine_changed:
        return Outcome.THEIRS if sender_trusted else Outcome.CONFLICT
    return Outcome.CONFLICT


def merge_record(
    mine: Record | None,
    theirs: Record,
    base: Base | None,
    *,
    choice: Choice = "mine",
    sender_trusted: bool = True,
) -> RecordMerge:
    """The decision for one record; ``choice`` is the advocate's answer if it is a conflict."""
    outcome = classify(mine, theirs, base, sender_trusted=sender_trusted)
    t_stamp = theirs.updated_at.isoformat()
    if outcome is Outcome.NEW:
        return RecordMerge(outcome, "theirs", (t_stamp, t_stamp))
    if mine is None:  # a record an untrusted sender adds: only if the advocate takes it
        return RecordMerge(outcome, choice, (t_stamp, t_stamp) if choice == "theirs" else ("", t_stamp))
    m_stamp = mine.updated_at.isoformat()
    keep: Choice
    if outcome is Outcome.THEIRS:
        keep = "theirs"
    elif outcome is Outcome.CONFLICT:
        keep = choice
    else:
        keep = "mine"
    if keep == "theirs":
        return RecordMerge(outcome, keep, (t_stamp, t_stamp))
    return RecordMerge(outcome, keep, (m_stamp, t_stamp))


PARTIES_PREFIX = "sync_parties:"
PartyRole = Literal["shared_by", "shared_with"]


def parties_key(case_id: str) -> str:
    """The settings key of who a case was shared with and by whom."""
    return PARTIES_PREFIX + case_id


def add_party(
    parties: Any, role: PartyRole, *, name: str, age_public: str = "", signing_public_b64: str = ""
) -> dict[str, list[dict[str, str]]]:
    """*parties* (as stored, or None) with one more party in *role* (no duplicates)."""
    out: dict[str, list[dict[str, str]]] = {"shared_by": [], "shared_with": []}
    if isinstance(parties, dict):
        for key in out:
            out[key] = [dict(p) for p in parties.get(key) or [] if isinstance(p, dict)]
    entry = {"name": name, "age": age_public, "signing": signing_public_b64}
    same = [
        p
        for p in out[role]
        if (age_public and p.get("age") == age_public)
        or (signing_public_b64 and p.get("signing") == signing_public_b64)
    ]
    if same:
        for p in same:
            p.update({k: v for k, v in entry.items() if v})
    else:
        out[role].append(entry)
    return out


def sender_is_party(parties: Any, signing_public_b64: str) -> bool:
    """Whether the signer of a bundle is one the case was shared with, or shared by (by signing
    key: the age key a manifest names is only what the signer claims)."""
    if not isinstance(parties, dict) or not signing_public_b64:
        return False
    return any(
        isinstance(p, dict) and p.get("signing") == signing_public_b64
        for role in ("shared_by", "shared_with")
        for p in parties.get(role) or []
    )


def restore_withheld(incoming: CaseDocument, local: CaseDocument, withheld: Sequence[str]) -> CaseDocument:
    """*incoming* with the fields the sender left out holding our own values (a new document)."""
    out = copy.deepcopy(incoming)
    survivor, ours = out.case.survivor, local.case.survivor
    if "safeguarding" in withheld:
        survivor.safe_contact_notes = ours.safe_contact_notes
    if "contact_details" in withheld:
        survivor.voicemail_safe = ours.voicemail_safe
        survivor.letters_safe = ours.letters_safe
        mine = {a.id: a for a in local.appointments}
        for a in out.appointments:
            if a.id in mine:
                a.location = mine[a.id].location
    return out


__all__ = [
    "PARTIES_PREFIX",
    "SYNC_PREFIX",
    "WITHHELD_GROUPS",
    "Choice",
    "Outcome",
    "RecordMerge",
    "classify",
    "comparable",
    "add_party",
    "merge_record",
    "parties_key",
    "restore_withheld",
    "sender_is_party",
    "sync_key",
]

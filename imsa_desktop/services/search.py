"""Full-text search over the whole vault, grouped by case (the search box and ``imsa search``).

What is searched: survivor names, preferred names and aliases, the case's references and
notes, timeline events, appointments, evidence items (title, text, source) and letters. Any
text the user types is safe: it is never passed to the index as query syntax (see
store/search.py), so quotes, brackets, ``AND``/``OR``/``NOT``/``NEAR``, ``*``, ``^``, ``:``
and any Unicode give results or nothing, never an error. Accents and letters such as đ/ł
are ignored when matching: "Nguyen" finds "Nguyễn", "Dang" finds "Đặng".

Matched words are wrapped in ``HL_START`` / ``HL_END`` (\\x02 / \\x03): the GUI turns them into
bold; the CLI shows them as [brackets] on a terminal and strips them (``strip_marks``) in
``--json``.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field

from imsa_desktop.domain.values import SearchHit
from imsa_desktop.services.ports import AbstractUnitOfWork

HL_START = "\x02"
HL_END = "\x03"

KIND_LABELS = {
    "case": "Case details",
    "event": "Timeline event",
    "appointment": "Appointment",
    "evidence": "Evidence",
    "letter": "Letter",
}

_EXTRA_FOLD = str.maketrans(
    {"đ": "d", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "þ": "th", "ð": "d"}
)


@dataclass(frozen=True)
class CaseHits:
    case_id: str
    code: str
    display_name: str
    hits: list[SearchHit] = field(default_factory=list)


def strip_marks(text: str) -> str:
    return text.replace(HL_START, "").replace(HL_END, "")


def search_cases(uow: AbstractUnitOfWork, query: str, limit: int = 200) -> list[CaseHits]:
    """Hits for *query*, grouped by case; cases in order of their best hit. Never raises on
    what the user typed; an empty or punctuation-only query gives []."""
    if not isinstance(query, str) or not query.strip():
        return []
    with uow:
        hits = uow.search.search(query, limit=limit)
        if not hits:
            return []
        wanted = {h.case_id for h in hits}
        names = {s.id: (s.code, s.display_name) for s in uow.cases.summaries(wanted)}
    groups: dict[str, CaseHits] = {}
    terms = _terms(query)
    for h in hits:
        if h.case_id not in names:
            continue
        group = groups.get(h.case_id)
        if group is None:
            code, name = names[h.case_id]
            group = groups[h.case_id] = CaseHits(h.case_id, code, name)
        group.hits.append(_ensure_marked(h, terms))
    return list(groups.values())


# ---- highlighting of matches the index found through folded forms --------------------------


def _key(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_EXTRA_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _terms(query: str) -> list[str]:
    return [k for k in (_key(w) for w in re.findall(r"\w+", query)) if k.strip("_")]


def mark_terms(text: str, terms: list[str]) -> str:
    """Wrap each word of *text* that starts with one of *terms* (folded) in the marks."""
    if not terms:
        return text
    starts = tuple(terms)

    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        # An ASCII word's key is its lower case (nothing to fold or decompose): the common case,
        # 3x faster (the hits found through the folded column are marked here, up to 200 of them).
        k = word.lower() if word.isascii() else _key(word)
        return f"{HL_START}{word}{HL_END}" if k.startswith(starts) else word

    return re.sub(r"\w+", repl, text)


def _ensure_marked(hit: SearchHit, terms: list[str]) -> SearchHit:
    """The index highlights what it matched in the title/body columns; a match found only
    through the folded ``alt`` column ("Dang" for "Đặng") comes back unmarked, so mark it."""
    if HL_START in hit.title or HL_START in hit.snippet:
        return hit
    return dataclasses.replace(
        hit, title=mark_terms(hit.title, terms), snippet=mark_terms(hit.snippet, terms)
    )

"""Full-text search inside the encrypted database (SQLite FTS5).

- The tokenizer is ``unicode61 remove_diacritics 2``: "Nguyen" finds "Nguyễn".
- Letters that are not a base letter plus a combining mark (Vietnamese đ, Polish ł, Danish
  ø, ...) are folded as well, into a hidden ``alt`` column, so "Dang" finds "Đặng" and
  "Lukasz" finds "Łukasz".
- User text is never passed as FTS syntax: each word is reduced to its letters and digits
  and quoted, so quotes, brackets and operators in a query are harmless.
- The index is kept in step by the repositories (same transaction as the record).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from imsa_desktop.store.connection import SEARCH_TERMS, Connection, storage_errors

HL_START = "\x02"
RANK_WINDOW = 2000  # more matches than this: the most recent, unranked; see search()
HL_END = "\x03"

_EXTRA_FOLD = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
        "þ": "th",
        "ð": "d",
        "Ð": "D",
    }
)


def fold(text: str) -> str:
    return text.translate(_EXTRA_FOLD)


def _alt(text: str) -> str:
    """Folded forms of only the words that folding changes (keeps the index small)."""
    if fold(text) == text:  # nothing to fold (most text): no word would change either
        return ""
    words = set(re.findall(r"\w+", text))
    return " ".join(sorted({f for w in words if (f := fold(w)) != w}))


INSERT_SEARCH = "INSERT INTO search (case_id, record_id, kind, title, body, alt) VALUES (?, ?, ?, ?, ?, ?)"


def search_row(
    case_id: str, record_id: str, kind: str, title: str, body: str, hidden: str = ""
) -> tuple[str, str, str, str, str, str]:
    """The ``search`` row for one record (``INSERT_SEARCH`` order): the text and its ``alt``."""
    alt = _alt(f"{title}\n{body}\n{hidden}")
    if hidden:
        words = sorted(set(re.findall(r"\w+", hidden)))
        alt = " ".join(x for x in (alt, " ".join(words)) if x)
    return (case_id, record_id, kind, title, body, alt)


def index_record(
    conn: Connection, case_id: str, record_id: str, kind: str, title: str, body: str, hidden: str = ""
) -> None:
    """(Re)index one record. ``search_map`` finds its FTS row without scanning the index.

    ``hidden`` is text that may be found but is never shown: its words go only into the
    ``alt`` column, which no snippet or highlight reads (safe-contact notes: the snippet of a
    hit must never put them on a screen someone else can see)."""
    _delete_row(conn, record_id)
    cur = conn.execute(INSERT_SEARCH, search_row(case_id, record_id, kind, title, body, hidden))
    conn.execute(
        "INSERT INTO search_map (record_id, case_id, fts_rowid) VALUES (?, ?, ?)"
        " ON CONFLICT(record_id) DO UPDATE SET case_id = excluded.case_id, fts_rowid = excluded.fts_rowid",
        (record_id, case_id, cur.lastrowid),
    )


def _delete_row(conn: Connection, record_id: str) -> None:
    row = conn.execute("SELECT fts_rowid FROM search_map WHERE record_id = ?", (record_id,)).fetchone()
    if row is not None:
        conn.execute("DELETE FROM search WHERE rowid = ?", (row[0],))


def unindex_record(conn: Connection, record_id: str) -> None:
    _delete_row(conn, record_id)
    conn.execute("DELETE FROM search_map WHERE record_id = ?", (record_id,))


def unindex_case(conn: Connection, case_id: str) -> None:
    conn.execute(
        "DELETE FROM search WHERE rowid IN (SELECT fts_rowid FROM search_map WHERE case_id = ?)", (case_id,)
    )
    conn.execute("DELETE FROM search_map WHERE case_id = ?", (case_id,))


# ---- what is indexed for each kind of record ---------------------------------------------


def _join(*parts: Any) -> str:
    out: list[str] = []
    for p in parts:
        if isinstance(p, list | tuple):
            out.extend(str(x) for x in p if x)
        elif p:
            out.append(str(p))
    return "\n".join(out)


def case_hidden_text(data: dict[str, Any]) -> str:
    """Safeguarding text: searchable, never in a snippet (see ``index_record``)."""
    s = data.get("survivor") or {}
    return _join(s.get("safe_contact_notes"))


def case_text(data: dict[str, Any]) -> tuple[str, str]:
    s = data.get("survivor") or {}
    r = data.get("referral") or {}
    title = _join(s.get("full_name"), s.get("preferred_name"), s.get("aliases"))
    decisions = data.get("decisions") or []
    consents = data.get("consents") or []
    body = _join(
        data.get("code"),
        s.get("nationality"),
        s.get("gender"),
        r.get("first_responder"),
        r.get("reference"),
        [d.get("reference") for d in decisions],
        [d.get("notes") for d in decisions],
        [c.get("purpose_detail") for c in consents],
        data.get("status_reason"),
        data.get("notes"),
    )
    return title, body


def record_text(kind: str, data: dict[str, Any]) -> tuple[str, str]:
    title = str(data.get("title") or "")
    if kind == "event":
        body = _join(data.get("notes"), data.get("source"))
    elif kind == "appointment":
        body = _join(data.get("location"), data.get("notes"), data.get("interpreter_language"))
    elif kind == "evidence":
        body = _join(data.get("body"), data.get("source"), data.get("provided_to"))
    elif kind == "letter":
        body = _join(data.get("body_text"), data.get("reference"))
    else:
        body = _join(data.get("notes"), data.get("reason"))
    return title, body


def reindex_all(conn: Connection) -> None:
    """Rebuild the whole index (needs schema version 5 or later: see migrations)."""
    conn.execute("DELETE FROM search")
    conn.execute("DELETE FROM search_map")
    for cid, data in conn.execute("SELECT id, data FROM cases").fetchall():
        d = json.loads(data)
        index_record(conn, cid, cid, "case", *case_text(d), hidden=case_hidden_text(d))
    for rid, cid, kind, data in conn.execute("SELECT id, case_id, kind, data FROM records").fetchall():
        if kind in SEARCHABLE_KINDS:
            index_record(conn, cid, rid, kind, *record_text(kind, json.loads(data)))


SEARCHABLE_KINDS = frozenset({"event", "appointment", "evidence", "letter"})


# ---- querying ------------------------------------------------------------------------------


def _phrases(query: str) -> tuple[list[list[str]], bool]:
    """The words of *query* as token lists (see ``build_match``), and whether the last one is
    a prefix (the word still being typed)."""
    phrases: list[list[str]] = []
    for word in query.split():
        tokens = re.findall(r"\w+", fold(unicodedata.normalize("NFC", word)))
        tokens = [t for t in tokens if t.strip("_")]
        if tokens:
            phrases.append(tokens)
    # Only the word still being typed is a prefix; the words before it are complete (a prefix
    # on every word made common multi-word queries 2-3x slower at 2,000 cases).
    return phrases[:16], bool(phrases) and not query[-1:].isspace()


def _quote(tokens: list[str]) -> str:
    return '"' + " ".join(tokens).replace('"', '""') + '"'


def build_match(query: str) -> str:
    """A safe FTS5 MATCH expression for what the user typed, or '' for nothing to search.

    Each whitespace-separated word becomes a quoted phrase of its letter/digit runs; the last
    one gets a prefix star so results appear as the user types ("Hồn" finds "Hồng"); words
    are ANDed.
    "anti-trafficking" becomes the phrase "anti trafficking".
    """
    phrases, prefix = _phrases(query)
    parts = [_quote(p) for p in phrases]
    if prefix:
        parts[-1] += "*"
    return " AND ".join(parts)


# A prefix longer than the index's prefix lengths (``prefix = '2 3'``) makes FTS5 merge the
# doclists of every term it covers before any rowid window applies: 18 ms for "interview"*
# (500,000 rows) at the large size, and 46 ms with the ranking. An OR of the plain terms is
# read lazily in rowid order instead (0.3 ms). The terms come from an fts5vocab "instance"
# table (a temp virtual table made by connect(): it holds no data), one term per lookup, which
# reads only the first entry of each term and never its whole doclist.
PREFIX_INDEXED = 3  # longest prefix the prefix index answers
MAX_EXPANDED_TERMS = 32  # more terms than this: the prefix query as before
# Letters whose unaccented lowercase form the unicode61 tokenizer (remove_diacritics 2) and
# ``_index_form`` agree on (checked letter by letter in tests/integration/test_search_prefix.py).
_LATIN = re.compile(r"[a-z0-9_\u00c0-\u024f\u1e00-\u1eff]+", re.IGNORECASE)
_INDEX_FORM = re.compile(r"[a-z0-9_]+")
_KEPT_MARKS = "\u01e0\u01e1"  # Ǡ ǡ: the tokenizer keeps them as they are


def _index_form(token: str) -> str | None:
    """*token* as the index stores it, for plain Latin letters and digits; None otherwise."""
    if not _LATIN.fullmatch(token) or any(c in _KEPT_MARKS for c in token):
        return None
    bare = "".join(c for c in unicodedata.normalize("NFD", token) if not unicodedata.combining(c)).lower()
    return bare if _INDEX_FORM.fullmatch(bare) else None


def _terms_with_prefix(conn: Connection, prefix: str) -> list[str] | None:
    """The index terms that start with *prefix* (ASCII), or None for more than the cap."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    terms: list[str] = []
    try:
        row = conn.execute(
            f"SELECT term FROM temp.{SEARCH_TERMS} WHERE term >= ? AND term < ? LIMIT 1", (prefix, upper)
        ).fetchone()
    except sqlcipher.OperationalError:  # a connection not made by connect(): no term table
        return None
    while row is not None:
        if len(terms) == MAX_EXPANDED_TERMS:
            return None
        terms.append(row[0])
        # ">= term + NUL", not "> term": fts5vocab seeks only on ">=" and would otherwise
        # read every instance of the term just found.
        row = conn.execute(
            f"SELECT term FROM temp.{SEARCH_TERMS} WHERE term >= ? AND term < ? LIMIT 1",
            (row[0] + "\x00", upper),
        ).fetchone()
    return terms


def _match_for_index(conn: Connection, query: str) -> str | None:
    """``build_match(query)``, with a long last prefix spelled out as an OR of the index terms
    it covers (same rows, read lazily); None when no term has that prefix (nothing matches)."""
    phrases, prefix = _phrases(query)
    if not prefix:
        return build_match(query)
    last = _index_form(phrases[-1][-1])
    if last is None or len(last) <= PREFIX_INDEXED:
        return build_match(query)
    terms = _terms_with_prefix(conn, last)
    if terms is None:
        return build_match(query)
    if not terms:
        return None
    head = phrases[-1][:-1]
    parts = [_quote(p) for p in phrases[:-1]]
    parts.append("(" + " OR ".join(_quote([*head, t]) for t in terms) + ")")
    return " AND ".join(parts)


@dataclass(frozen=True)
class Hit:
    case_id: str
    record_id: str
    kind: str
    title: str  # with HL_START/HL_END around matched words
    snippet: str  # idem
    recent: bool = False  # True: the query had more than RANK_WINDOW matches, hits newest first


def search(conn: Connection, query: str, limit: int = 200) -> list[Hit]:
    if not build_match(query):
        return []
    with storage_errors():
        match = _match_for_index(conn, query)
        if match is None:
            return []
        # bm25 scores every match and counts, for each phrase, every row of the table that holds
        # it (its IDF), whatever the rowid window: ~35 ms for a word in 500,000 records. So a
        # query with more than RANK_WINDOW matches is not ranked: its hits are the most recent
        # matches, newest first (a word that common is in every hit; an advocate expects recent
        # records first), read in rowid order (0.2 ms). Fewer matches: bm25 over all of them.
        row = conn.execute(
            "SELECT rowid FROM search WHERE search MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
            (match, RANK_WINDOW - 1),
        ).fetchone()
        recent = row is not None
        rows = conn.execute(
            f"""SELECT case_id, record_id, kind,
                       highlight(search, 3, '{HL_START}', '{HL_END}'),
                       snippet(search, 4, '{HL_START}', '{HL_END}', '…', 12)
                FROM search WHERE search MATCH ? AND rowid >= ?
                ORDER BY {"rowid DESC" if recent else "rank"} LIMIT ?""",
            (match, row[0] if recent else 0, limit),
        ).fetchall()
    return [Hit(cid, rid, kind, title, snip, recent) for cid, rid, kind, title, snip in rows]


def strip_marks(text: str) -> str:
    return text.replace(HL_START, "").replace(HL_END, "")


def case_ids_matching(conn: Connection, query: str) -> Iterable[str]:
    return {h.case_id for h in search(conn, query, limit=10_000)}

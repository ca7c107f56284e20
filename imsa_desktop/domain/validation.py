"""Field limits and sanity checks for every stored record (issue 19, holes 6 and 7).

Standard library only. ``check_record`` walks a record's dataclass fields (nested dataclasses
and lists too) and raises InvalidInput with one sentence naming the first bad field. It is
called wherever a record enters the vault: the case document (``imsa case add/update``,
bundles, backups) and the services the GUI saves through. Limits, by field:

- names (a person, a code, a first responder ...): 200 characters, one line, and at least one
  visible character (a name that is only a zero-width space or U+202E is no name);
- titles: 300 characters, one line, at least one visible character;
- a case code: 1 to 32 letters, digits and ``- _ / .``;
- notes and bodies: 20,000 characters (several pages; longer material belongs in an attached
  document); line breaks and tabs allowed;
- every other text: 1,000 characters;
- nowhere: NUL and other control characters (except line breaks and tabs in notes), bidi
  override/embedding/isolate characters (U+202A-U+202E, U+2066-U+2069) and lone surrogates;
- ids: a case id is a lower-case UUID; other record ids 1-100 characters of ``A-Z a-z 0-9 . _ : -``;
- whole numbers: ``reminder_minutes`` 0-40,320 (four weeks), ``re_referral_count`` 0-50, any
  other 0-1,000,000;
- dates: years 1900-2100 (a date of birth in year 1 is a typing slip).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any

from imsa_desktop.errors import InvalidInput

NAME_MAX = 200
TITLE_MAX = 300
CODE_MAX = 32
NOTE_MAX = 20_000
TEXT_MAX = 1_000
ID_MAX = 100
YEAR_MIN, YEAR_MAX = 1900, 2100

NAME_FIELDS = frozenset(
    {
        "full_name",
        "preferred_name",
        "aliases",
        "first_responder",
        "interpreter_language",
        "nationality",
        "languages",
        "gender",
        "name",
        "signatory",
    }
)
TITLE_FIELDS = frozenset({"title", "purpose"})
NOTE_FIELDS = frozenset(
    {"notes", "body", "safe_contact_notes", "status_reason", "reason", "reasons", "description", "text"}
)
VISIBLE_REQUIRED = frozenset({"full_name", "title", "code"})
INT_LIMITS = {"reminder_minutes": (0, 40_320), "re_referral_count": (0, 50)}
INT_DEFAULT = (0, 1_000_000)

_BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Every character check_text can refuse: controls (category Cc is exactly U+0000-001F and
# U+007F-009F), lone surrogates (Cs) and the bidi controls. Text without any of them (nearly
# all text) skips the per-character loop, which only finds which one and says so.
_REFUSED_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
_MAYBE_REFUSED = re.compile(f"[{_REFUSED_ALWAYS}\n\r]")
_MAYBE_REFUSED_MULTILINE = re.compile(f"[{_REFUSED_ALWAYS}]")
_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.]{0,31}")
_ID_RE = re.compile(r"[A-Za-z0-9._:\-]{1,100}")
_MESSAGE_VALUE_MAX = 40


def shorten(value: object, limit: int = _MESSAGE_VALUE_MAX) -> str:
    """A value for an error message: at most ``limit`` characters, control characters escaped."""
    text = str(value)
    cut = text[:limit]
    safe = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in cut)
    return safe + ("..." if len(text) > limit else "")


def is_canonical_uuid(value: object) -> bool:
    """True for a lower-case, hyphenated UUID string such as ``str(uuid.uuid4())``."""
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads(..., object_pairs_hook=no_duplicate_keys)``: a key given twice is a ValueError
    (the stdlib silently keeps the last one)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError("duplicate key")
        result[key] = value
    return result


def _limit_for(name: str) -> int:
    if name in NAME_FIELDS:
        return NAME_MAX
    if name in TITLE_FIELDS:
        return TITLE_MAX
    if name in NOTE_FIELDS:
        return NOTE_MAX
    if name == "code":
        return CODE_MAX
    return TEXT_MAX


def check_text(value: str, where: str, name: str) -> None:
    """One text field; ``name`` is the field's own name (it picks the limit)."""
    limit = _limit_for(name)
    if len(value) > limit:
        raise InvalidInput(f"{where} is too long ({len(value):,} characters; the limit is {limit:,}).")
    multiline = name in NOTE_FIELDS or limit == TEXT_MAX
    suspect = (_MAYBE_REFUSED_MULTILINE if multiline else _MAYBE_REFUSED).search(value)
    for ch in value if suspect else ():
        cat = unicodedata.category(ch)
        if cat == "Cs":
            raise InvalidInput(f"{where} contains a broken character (a lone surrogate).")
        if ch in _BIDI_CONTROLS:
            raise InvalidInput(
                f"{where} contains an invisible text-direction control (U+{ord(ch):04X}); please remove it."
            )
        if cat == "Cc" and not (multiline and ch in "\n\t\r") and not (ch == "\t"):
            raise InvalidInput(f"{where} contains a control character (U+{ord(ch):04X}); please remove it.")
    if name in VISIBLE_REQUIRED and value and not any(unicodedata.category(c)[0] in "LNSP" for c in value):
        raise InvalidInput(f"{where} has no visible characters.")


def check_case_code(code: str, where: str = "code") -> None:
    if not _CODE_RE.fullmatch(code):
        raise InvalidInput(
            f"{where} must be 1 to {CODE_MAX} letters, digits or - _ / . (it was '{shorten(code)}')."
        )


def check_id(value: str, where: str, *, case: bool = False) -> None:
    if case:
        if not is_canonical_uuid(value):
            raise InvalidInput(f"{where} must be a lower-case UUID (it was '{shorten(value)}').")
    elif not _ID_RE.fullmatch(value):
        raise InvalidInput(
            f"{where} must be 1 to {ID_MAX} letters, digits or . _ : - (it was '{shorten(value)}')."
        )


def _check_value(value: Any, where: str, name: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, Enum):
        return
    if isinstance(value, str):
        check_text(value, where, name)
    elif isinstance(value, int):
        low, high = INT_LIMITS.get(name, INT_DEFAULT)
        if not (low <= value <= high):
            raise InvalidInput(f"{where} must be a whole number from {low:,} to {high:,}.")
    elif isinstance(value, datetime | date):
        if not (YEAR_MIN <= value.year <= YEAR_MAX):
            raise InvalidInput(f"{where} must be a date between {YEAR_MIN} and {YEAR_MAX}.")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_value(item, f"{where}[{i}]", name)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        check_record(value, where)


def check_record(record: Any, where: str) -> None:
    """Every field of ``record`` (a domain dataclass), recursively; InvalidInput names the field."""
    fields = {f.name for f in dataclasses.fields(record)}
    if "start" in fields and "end" in fields:  # appointments: local wall-clock times only
        for name in ("start", "end"):
            value = getattr(record, name)
            if isinstance(value, datetime) and value.tzinfo is not None:
                raise InvalidInput(
                    f"{where}.{name} should be a local time without a UTC offset or Z "
                    "(for example 2025-03-04T10:30)."
                )
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        here = f"{where}.{f.name}" if where else f.name
        if f.name == "id" and isinstance(value, str):
            check_id(value, here, case="code" in fields and "survivor" in fields)
        elif f.name == "case_id":
            continue  # the case's own id, checked with the case
        elif f.name == "code" and isinstance(value, str) and "survivor" in fields:
            check_case_code(value, here)
        elif f.name in ("evidence_ids", "event_ids") and isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    check_id(item, f"{here}[{i}]")
        elif type(value).__name__ == "FuzzyDate":
            for bound in ("earliest", "latest"):
                d = getattr(value, bound, None)
                if isinstance(d, date) and not (YEAR_MIN <= d.year <= YEAR_MAX + 1):
                    raise InvalidInput(f"{here} must be a date between {YEAR_MIN} and {YEAR_MAX}.")
        else:
            _check_value(value, here, f.name)


# ---- JSON text from people (``imsa case add/update``) -------------------------------------

MAX_JSON_DEPTH = 64


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InvalidInput(f"The case document has the key '{shorten(key)}' twice.")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise InvalidInput(f"The case document contains {name}, which is not a number JSON allows.")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                return level
            stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def loads_document(data: bytes, what: str = "The case document") -> Any:
    """Strict JSON for a case document: UTF-8, no duplicate keys, no NaN, sane depth and
    numbers; every refusal is one sentence (issue 19, holes 7 and 10)."""
    import json

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidInput(f"{what} is not UTF-8 text (a bad byte at position {e.start:,}).") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise InvalidInput(f"{what} is not valid JSON (line {e.lineno}, column {e.colno}).") from None
    except RecursionError:
        raise InvalidInput(f"{what} is nested too deeply (more than {MAX_JSON_DEPTH} levels).") from None
    except ValueError:  # int() digit limit
        raise InvalidInput(f"{what} holds a number with far too many digits.") from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise InvalidInput(f"{what} is nested too deeply (more than {MAX_JSON_DEPTH} levels).")
    return value

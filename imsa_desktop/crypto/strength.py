"""Passphrase strength, judged by zxcvbn (Dropbox's estimator), never by home-made rules.

``generate_passphrase`` is deliberately absent: no library we ship carries a diceware-style
word list, and we do not invent one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MIN_LENGTH = 10
MIN_SCORE = 3
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; a prefix can only under-estimate the strength
_SEPARATORS = frozenset("-_.,;:/+")
LABELS = ("Very weak", "Weak", "Fair", "Strong", "Very strong")


@dataclass(frozen=True)
class Strength:
    score: int  # 0-4, zxcvbn's score
    label: str  # "Very weak" ... "Very strong"
    feedback: str  # one or two plain sentences; never contains the passphrase
    acceptable: bool  # score >= 3 and at least 10 characters


def assess(passphrase: str, user_inputs: Iterable[str] = ()) -> Strength:
    """Rate ``passphrase``; ``user_inputs`` are words to treat as guessable (names, the org)."""
    from zxcvbn import zxcvbn  # ~25 ms to import: only when a passphrase is being chosen

    inputs = _with_folded([word for word in user_inputs if word])
    length = len(passphrase)
    if length == 0:
        return Strength(0, LABELS[0], "Please enter a passphrase.", False)
    # zxcvbn treats "Paweł Wiśniewski" as brute force around the space; rating the run-together
    # form too (and keeping the lower score) stops separators from hiding guessable words.
    joined = "".join(ch for ch in passphrase if not ch.isspace() and ch not in _SEPARATORS)
    results = [zxcvbn(passphrase[:_ZXCVBN_MAX], user_inputs=inputs)]
    if joined and joined != passphrase:
        results.append(zxcvbn(joined[:_ZXCVBN_MAX], user_inputs=inputs))
    result = min(results, key=lambda r: int(r["score"]))
    score = int(result["score"])
    acceptable = score >= MIN_SCORE and length >= MIN_LENGTH
    parts: list[str] = []
    if length < MIN_LENGTH:
        parts.append(f"Use at least {MIN_LENGTH} characters.")
    if not acceptable or score < 4:
        warning = str(result["feedback"].get("warning") or "")
        if warning:
            parts.append(_sentence(warning))
        parts.extend(_sentence(str(s)) for s in result["feedback"].get("suggestions") or [])
    if not parts:
        parts.append("This passphrase looks hard to guess." if acceptable else "Add another word or two.")
    if not acceptable and not any("word" in p.lower() for p in parts):
        parts.append("A few unrelated words make a strong passphrase that is easy to remember.")
    return Strength(score, LABELS[score], " ".join(parts), acceptable)


def _with_folded(words: list[str]) -> list[str]:
    """The words plus their accent-free forms ("Arbër" -> "Arber"), so both spellings count."""
    folded = [
        "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))
        for word in words
    ]
    return list(dict.fromkeys(words + [f for f in folded if f]))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."

"""The benchmark caseload is deterministic and clearly fictional."""

from __future__ import annotations

import itertools

from benchmarks.caseload import (
    LARGE_CASE_EVENTS,
    NAME_POOLS,
    SYNTHETIC_NOTE,
    AttachmentSpec,
    all_names,
    attachment_bytes,
    generate,
)
from imsa_desktop.domain.codec import to_jsonable


def _first(n: int, seed: int) -> list[dict[str, object]]:
    out = []
    for sc in itertools.islice(generate("quick", seed), n):
        out.append(
            {
                "case": to_jsonable(sc.case),
                "events": [to_jsonable(e) for e in sc.events],
                "notes": [to_jsonable(x) for x in sc.evidence],
                "attachments": [(a.evidence_id, a.filename, a.size, a.seed) for a in sc.attachments],
            }
        )
    return out


def test_same_seed_gives_the_same_caseload_ids_included() -> None:
    assert _first(5, seed=7) == _first(5, seed=7)


def test_another_seed_gives_another_caseload() -> None:
    a, b = _first(3, seed=1), _first(3, seed=2)
    assert [c["case"]["id"] for c in a] != [c["case"]["id"] for c in b]  # type: ignore[index]


def test_every_case_is_marked_synthetic_with_a_name_from_the_fictional_lists() -> None:
    names = all_names()
    scripts = set()
    cases = list(generate("quick", 3))
    for sc in cases:
        s = sc.case.survivor
        assert s.full_name in names
        assert all(alias in names for alias in s.aliases)
        assert sc.case.notes == SYNTHETIC_NOTE
        assert sc.case.code.startswith("BENCH-")
        assert sc.case.referral.reference.startswith("BENCH-")
        scripts.add(next(p for p, pool in NAME_POOLS.items() if pool[2] == s.nationality))
    assert len(scripts) >= 6  # names in several scripts, not one


def test_quick_size_has_the_promised_counts() -> None:
    cases = list(generate("quick", 1))
    assert len(cases) == 200
    assert sum(len(c.events) for c in cases) == 20_000
    assert len(cases[0].events) == LARGE_CASE_EVENTS
    assert sum(len(c.attachments) for c in cases) == 200
    notes = sum(len(c.evidence) - len(c.attachments) for c in cases)
    assert notes == 5_000
    sizes = [a.size for c in cases for a in c.attachments]
    big = [s for s in sizes if s == 20_000_000]
    assert len(big) == 1  # one in 200 is a 20 MB scan
    assert all(50_000 <= s <= 2_000_000 for s in sizes if s != 20_000_000)
    assert all(e.case_id == c.case.id for c in cases for e in c.events)


def test_attachment_content_is_reproducible_and_of_the_stated_size() -> None:
    spec = AttachmentSpec("ev-1", "scan.pdf", 2_500_000, seed=42)
    first = b"".join(attachment_bytes(spec))
    assert len(first) == 2_500_000
    assert first == b"".join(attachment_bytes(spec))

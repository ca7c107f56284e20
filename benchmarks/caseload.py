"""A seeded, clearly fictional synthetic caseload (no database here: plain domain objects).

Every person, place and reference is invented: names are random pairings from the lists below
(several scripts on purpose), every case says it is synthetic, and references start with
``BENCH-``. The same seed gives the same caseload, ids included.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from imsa_desktop.domain import model
from imsa_desktop.domain.case_document import CaseDocument
from imsa_desktop.domain.dates import FuzzyDate

SYNTHETIC_NOTE = "SYNTHETIC BENCHMARK CASE - not a real person."

# Each pool: "key; nationality; language code", then its given names, then its family names.
# Family name first where that is the custom (Vietnamese, Chinese: see full_name); non-Latin
# names have romanised aliases in ROMANISED.
_POOL_TABLE = """
vietnamese; Vietnamese; vi
    Thị Hồng, Văn Đức, Thị Lan, Minh Tuấn, Thị Ngọc, Quốc Bảo, Thị Thu, Văn Hải
    Nguyễn, Trần, Lê, Phạm, Đặng, Vũ, Hoàng, Bùi
albanian; Albanian; sq
    Arbër, Elirë, Dritan, Blerta, Gëzim, Mimoza, Ilir, Vjosa
    Hoxha, Krasniqi, Gashi, Berisha, Shehu, Dervishi, Çela, Leka
tigrinya; Eritrean; ti
    ሰላም, ዳዊት, ሄለን, ዮናስ, ሚካኤል, ሳባ
    ተስፋይ, ገብረ, ኪዳነ, ሃይለ, ወልደ, በረኸት
polish; Polish; pl
    Paweł, Łukasz, Agnieszka, Małgorzata, Wojciech, Zofia, Grzegorz, Jolanta
    Wiśniewski, Kowalczyk, Wójcik, Zieliński, Lewandowska, Dąbrowska, Kamiński
romanian; Romanian; ro
    Ștefan, Ioana, Mihai, Andreea, Florin, Raluca, Cătălin, Elena
    Popescu, Ionescu, Țurcanu, Dumitrescu, Stănescu, Munteanu, Bălan
ukrainian; Ukrainian; uk
    Олена, Тарас, Ірина, Богдан, Оксана, Дмитро
    Шевченко, Коваленко, Бондаренко, Ткаченко, Мельник, Кравченко
arabic; Sudanese; ar
    أحمد, فاطمة, يوسف, مريم, خالد, نور
    الحسن, عبد الله, المصري, الخطيب, حداد, سليمان
chinese; Chinese; zh
    伟, 芳, 秀英, 建国, 丽, 强
    王, 李, 张, 刘, 陈, 杨
"""


def _pools(table: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], str, str]]:
    rows = [line.strip() for line in table.strip().splitlines()]
    out = {}
    for head, givens, families in zip(rows[0::3], rows[1::3], rows[2::3], strict=True):
        key, nationality, lang = head.split("; ")
        out[key] = (tuple(givens.split(", ")), tuple(families.split(", ")), nationality, lang)
    return out


# key -> (given names, family names, nationality, language code)
NAME_POOLS = _pools(_POOL_TABLE)

# Romanised forms for the non-Latin scripts, so cases carry the alias advocates type.
ROMANISED: dict[str, str] = {
    "ሰላም": "Selam",
    "ዳዊት": "Dawit",
    "ሄለን": "Helen",
    "ዮናስ": "Yonas",
    "ሚካኤል": "Mikael",
    "ሳባ": "Saba",
    "ተስፋይ": "Tesfay",
    "ገብረ": "Gebre",
    "ኪዳነ": "Kidane",
    "ሃይለ": "Haile",
    "ወልደ": "Welde",
    "በረኸት": "Bereket",
    "Олена": "Olena",
    "Тарас": "Taras",
    "Ірина": "Iryna",
    "Богдан": "Bohdan",
    "Оксана": "Oksana",
    "Дмитро": "Dmytro",
    "Шевченко": "Shevchenko",
    "Коваленко": "Kovalenko",
    "Бондаренко": "Bondarenko",
    "Ткаченко": "Tkachenko",
    "Мельник": "Melnyk",
    "Кравченко": "Kravchenko",
    "أحمد": "Ahmed",
    "فاطمة": "Fatima",
    "يوسف": "Yusuf",
    "مريم": "Maryam",
    "خالد": "Khalid",
    "نور": "Nour",
    "الحسن": "Al-Hassan",
    "عبد الله": "Abdullah",
    "المصري": "Al-Masri",
    "الخطيب": "Al-Khatib",
    "حداد": "Haddad",
    "سليمان": "Suleiman",
    "伟": "Wei",
    "芳": "Fang",
    "秀英": "Xiuying",
    "建国": "Jianguo",
    "丽": "Li",
    "强": "Qiang",
    "王": "Wang",
    "李": "Li",
    "张": "Zhang",
    "刘": "Liu",
    "陈": "Chen",
    "杨": "Yang",
}

PLACES = (
    "Example Town",
    "Northfield (fictional)",
    "Riverside Estate",
    "Harbour Lane",
    "Millbrook",
    "Oakham Industrial Park",
    "Station Road",
    "Elmstead",
    "Westgate",
    "Fenwick Street",
)
WORKPLACES = (
    "car wash",
    "nail bar",
    "cannabis grow house",
    "farm",
    "restaurant kitchen",
    "building site",
    "factory",
    "private house",
    "warehouse",
    "fishing boat",
)
RESPONDERS = (
    "Example Borough Council (fictional)",
    "Example Police Service (fictional)",
    "Example Refugee Charity (fictional)",
    "Home Office Immigration Enforcement (example)",
)
EVENT_TITLES = (
    "Recruited with a false offer of work at a {work} in {place}",
    "Moved to a {work} in {place}; passport taken",
    "Worked long hours at a {work} in {place} without pay",
    "Threatened with debt of £{money} by the controller",
    "Escaped from the {work} and went to {place} station",
    "Met the advocate at {place} for an interview",
    "Telephone call with the solicitor about the {work}",
    "GP appointment in {place}; injuries recorded",
    "Police interview about the {work} in {place}",
    "Moved to safe-house accommodation near {place}",
    "Support worker visit at {place}",
    "Asked about the controller's car seen in {place}",
)
NOTE_SENTENCES = (
    "Survivor described the {work} and the people who controlled it.",
    "Interpreter present throughout; account consistent with the earlier interview.",
    "Discussed the reconsideration request and the evidence still needed.",
    "Mentioned a debt of £{money} that kept growing each week.",
    "Safe contact only through the support worker; no voicemail.",
    "Reported poor sleep and flashbacks; GP referral suggested.",
    "Solicitor will ask the police for the crime reference from {place}.",
    "Talked about the journey through {place} and who arranged it.",
)

SIZES: dict[str, dict[str, int]] = {
    "quick": {"cases": 200, "events": 20_000, "notes": 5_000, "attachments": 200, "big_file_mib": 64},
    "default": {
        "cases": 2_000,
        "events": 200_000,
        "notes": 50_000,
        "attachments": 2_000,
        "big_file_mib": 1024,
    },
    "large": {
        "cases": 10_000,
        "events": 1_000_000,
        "notes": 250_000,
        "attachments": 2_000,
        "big_file_mib": 1024,
    },
}
# Choices made for every record, as tuples built once (the same members in the same order, so
# the same draws): listing an enum again for each of 1,000,000 events was a fifth of the generator's CPU time.
EVENT_KINDS = tuple(model.EventKind)
JURISDICTIONS = tuple(model.Jurisdiction)
EVENT_SOURCES = ("Survivor's account", "Police report", "GP letter", "Advocate's note")
LARGE_CASE_EVENTS = 1_000  # case 0 is the "large case" the GUI benchmark opens
BASE_DAY = date(2025, 6, 2)
BASE_TIME = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


@dataclass
class AttachmentSpec:
    evidence_id: str
    filename: str
    size: int
    seed: int


@dataclass
class SyntheticCase(CaseDocument):
    """One case with its events and evidence (file notes, then the items that hold a file)."""

    attachments: list[AttachmentSpec] = field(default_factory=list)


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _split(total: int, parts: int, rng: random.Random, first: int | None = None) -> list[int]:
    """*total* split into *parts* positive-ish counts (first fixed if given), summing exactly."""
    if parts <= 0:
        return []
    counts = [0] * parts
    start = 0
    if first is not None:
        counts[0] = min(first, total)
        start = 1
    rest = total - sum(counts)
    if parts - start <= 0:
        return counts
    weights = [rng.uniform(0.3, 1.7) for _ in range(parts - start)]
    scale = rest / sum(weights)
    for i, w in enumerate(weights):
        counts[start + i] = int(w * scale)
    short = rest - sum(counts[start:])
    for i in range(short):
        counts[start + i % (parts - start)] += 1
    return counts


def attachment_size(rng: random.Random, index: int, count: int) -> int:
    """Mixed sizes: one in 200 is 20 MB, the rest log-uniform between 50 KB and 2 MB."""
    if count >= 200 and index % 200 == 199:
        return 20 * 1000 * 1000
    lo, hi = 50_000, 2_000_000
    return int(lo * (hi / lo) ** rng.random())


def full_name(pool: str, given: str, family: str) -> str:
    if pool in ("vietnamese", "chinese"):
        return f"{family} {given}" if pool == "vietnamese" else f"{family}{given}"
    return f"{given} {family}"


def romanised(pool: str, given: str, family: str) -> str:
    g, f = ROMANISED.get(given, ""), ROMANISED.get(family, "")
    if not g or not f:
        return ""
    return f"{f} {g}" if pool == "chinese" else f"{g} {f}"


def generate(size: str = "quick", seed: int = 1) -> Iterator[SyntheticCase]:
    """The caseload for *size*, case by case (so 10,000 cases never sit in memory at once)."""
    spec = SIZES[size]
    rng = random.Random(seed)
    n = spec["cases"]
    event_counts = _split(spec["events"], n, rng, first=LARGE_CASE_EVENTS)
    note_counts = _split(spec["notes"], n, rng)
    n_att = spec["attachments"]
    pools = sorted(NAME_POOLS)
    att_index = 0
    for i in range(n):
        crng = random.Random(rng.getrandbits(64))
        pool = pools[crng.randrange(len(pools))]
        givens, families, nationality, lang = NAME_POOLS[pool]
        given, family = crng.choice(givens), crng.choice(families)
        name = full_name(pool, given, family)
        alias = romanised(pool, given, family)
        created = BASE_TIME - timedelta(days=crng.randrange(30, 900))
        referral_day = created.date() + timedelta(days=crng.randrange(0, 20))
        rg_day = referral_day + timedelta(days=crng.randrange(5, 60))
        case_id = _id(crng)
        outcome = crng.choice([model.Outcome.POSITIVE, model.Outcome.NEGATIVE, model.Outcome.PENDING])
        decisions = [
            model.Decision(
                id=_id(crng),
                kind=model.DecisionKind.REASONABLE_GROUNDS,
                outcome=outcome,
                date=None if outcome is model.Outcome.PENDING else rg_day,
                authority=model.Authority.SCA,
                reference=f"BENCH-SCA-{i:05d}",
                created_at=created,
                updated_at=created,
            )
        ]
        case = model.Case(
            id=case_id,
            code=f"BENCH-{i:05d}",
            survivor=model.Survivor(
                full_name=name,
                preferred_name=given if pool not in ("vietnamese", "chinese") else "",
                aliases=[alias] if alias else [],
                date_of_birth=date(1970 + crng.randrange(35), 1 + crng.randrange(12), 1 + crng.randrange(28)),
                gender=crng.choice(["female", "male", ""]),
                nationality=nationality,
                languages=[lang],
                interpreter_needed=lang not in ("en",),
            ),
            jurisdiction=crng.choice(JURISDICTIONS),
            referral=model.Referral(
                date=referral_day,
                first_responder=crng.choice(RESPONDERS),
                consent_given=True,
                reference=f"BENCH-NRM-{i:05d}",
            ),
            exploitation_types=[],
            decisions=decisions,
            notes=SYNTHETIC_NOTE,
            created_at=created,
            updated_at=created + timedelta(days=crng.randrange(0, 30)),
        )
        sc = SyntheticCase(case)
        for k in range(event_counts[i]):
            day = created.date() - timedelta(days=crng.randrange(0, 1500)) + timedelta(days=k % 30)
            words = {
                "work": crng.choice(WORKPLACES),
                "place": crng.choice(PLACES),
                "money": crng.randrange(500, 20000),
            }
            sc.events.append(
                model.TimelineEvent(
                    id=_id(crng),
                    case_id=case_id,
                    date=FuzzyDate.exact(day),
                    title=crng.choice(EVENT_TITLES).format(**words),
                    kind=crng.choice(EVENT_KINDS),
                    source=crng.choice(EVENT_SOURCES),
                    notes=" ".join(s.format(**words) for s in crng.sample(NOTE_SENTENCES, 2)),
                    key=crng.random() < 0.05,
                    created_at=created,
                    updated_at=created,
                )
            )
        for k in range(note_counts[i]):
            words = {
                "work": crng.choice(WORKPLACES),
                "place": crng.choice(PLACES),
                "money": crng.randrange(500, 20000),
            }
            day = created.date() + timedelta(days=k)
            sc.evidence.append(
                model.EvidenceItem(
                    id=_id(crng),
                    case_id=case_id,
                    title=f"File note {day.isoformat()}",
                    kind=model.EvidenceKind.OTHER,
                    source="Advocate's file note",
                    date_obtained=day,
                    body=" ".join(s.format(**words) for s in crng.sample(NOTE_SENTENCES, 4)),
                    created_at=created,
                    updated_at=created,
                )
            )
        # Attachments are spread over the cases; each hangs off an evidence item of its own.
        want = n_att * (i + 1) // n - att_index
        for _ in range(want):
            ev = model.EvidenceItem(
                id=_id(crng),
                case_id=case_id,
                title=f"Scanned document {att_index + 1}",
                kind=crng.choice(
                    [model.EvidenceKind.MEDICAL, model.EvidenceKind.POLICE, model.EvidenceKind.DOCUMENTS]
                ),
                source="Scanned by the advocate",
                created_at=created,
                updated_at=created,
            )
            sc.evidence.append(ev)
            sc.attachments.append(
                AttachmentSpec(
                    ev.id,
                    f"scan-{att_index + 1:05d}.pdf",
                    attachment_size(crng, att_index, n_att),
                    crng.getrandbits(64),
                )
            )
            att_index += 1
        yield sc


def all_names() -> set[str]:
    """Every full name and alias the generator can produce (for the fictional-names test)."""
    out: set[str] = set()
    for pool, (givens, families, _nat, _lang) in NAME_POOLS.items():
        for g in givens:
            for f in families:
                out.add(full_name(pool, g, f))
                r = romanised(pool, g, f)
                if r:
                    out.add(r)
    return out


def attachment_bytes(spec: AttachmentSpec, block: int = 1 << 20) -> Iterator[bytes]:
    """The attachment's content, streamed in blocks, from its own seed."""
    rng = random.Random(spec.seed)
    left = spec.size
    while left > 0:
        n = min(block, left)
        yield rng.randbytes(n)
        left -= n

"""Clearly fictional demo cases, dated relative to "today" so the dashboard has something to show.

Every person, place and reference here is invented. Names are in several scripts on purpose
(Vietnamese, Albanian, Tigrinya, Polish, Cyrillic, Romanian, Arabic) so screens and PDFs are
exercised the way real caseloads exercise them.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imsa_desktop.domain.model import Clock, utc_now
from imsa_desktop.services.cases import add_case
from imsa_desktop.services.ports import AbstractUnitOfWork

if TYPE_CHECKING:
    from imsa_desktop.bootstrap import Vault

DEMO_NOTE = "FICTIONAL DEMO CASE - not a real person."
# A vault filled by fill_demo carries this setting: the GUI puts DEMO in the title bar.
DEMO_SETTING = "demo_vault"
# The demo vault ("Try the demo vault" on the welcome screen) holds only fictional cases, so
# its passphrase is printed on screen; it lives in its own folder, apart from any real vault.
DEMO_PASSPHRASE = "fictional demo cases only"
DEMO_ADVOCATE = "Demo Advocate"


def demo_documents(today: date) -> list[dict[str, Any]]:
    def d(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    def dt(days: int, hhmm: str) -> str:
        return f"{d(days)}T{hhmm}"

    return [
        {
            "survivor": {
                "full_name": "Nguyễn Thị Hồng",
                "preferred_name": "Hồng",
                "aliases": ["Hong Nguyen"],
                "date_of_birth": "1994-03-02",
                "gender": "female",
                "nationality": "Vietnamese",
                "languages": ["vi"],
                "interpreter_needed": True,
                "interpreter_language": "Vietnamese (Northern dialect)",
                "safe_contact_notes": "Text only via the support worker's number; no voicemail.",
                "voicemail_safe": False,
            },
            "jurisdiction": "england-wales",
            "exploitation_types": ["cannabis_cultivation"],
            "exploitation_location": "both",
            "adult_at_exploitation": True,
            "notes": DEMO_NOTE,
            "referral": {
                "date": d(-40),
                "first_responder": "Example Borough Council (fictional)",
                "consent_given": True,
                "reference": "NRM-DEMO-0001",
            },
            "decisions": [
                {
                    "kind": "reasonable_grounds",
                    "outcome": "negative",
                    "date": d(-12),
                    "authority": "SCA",
                    "reference": "SCA-DEMO-2025-0001",
                }
            ],
            "consents": [
                {
                    "purpose": "share_solicitor",
                    "purpose_detail": "Example Law LLP (fictional)",
                    "date": d(-40),
                    "consent_type": "written",
                    "witness": "Interpreter (Vietnamese)",
                    "scope": ["case", "attachments"],
                },
                {
                    "purpose": "share_competent_authority",
                    "date": d(-40),
                    "consent_type": "written",
                    "scope": ["case"],
                },
            ],
            "events": [
                {
                    "date": "2023-summer",
                    "end": "2024-02",
                    "title": "Recruited in Hà Tĩnh with a false offer of nail-bar work",
                    "kind": "exploitation",
                    "source": "Survivor's account (first interview)",
                    "key": True,
                },
                {
                    "date": "2024-03",
                    "end": "2024-11",
                    "title": "Held at a cannabis grow house; door locked from outside",
                    "kind": "exploitation",
                    "source": "Survivor's account; police crime report",
                    "material": True,
                },
                {
                    "date": "2024-11-20",
                    "title": "Found during a police raid and taken to a place of safety",
                    "kind": "exit",
                    "source": "Police crime reference (fictional)",
                },
            ],
            "appointments": [
                {
                    "start": dt(0, "14:00"),
                    "end": dt(0, "15:00"),
                    "title": "Solicitor: prepare reconsideration request",
                    "location": "Example Law Centre, 1 Fictional Street",
                    "kind": "legal",
                    "interpreter_needed": True,
                    "interpreter_language": "Vietnamese",
                },
                {
                    "start": dt(3, "10:30"),
                    "title": "GP: trauma assessment letter",
                    "location": "Example Health Centre",
                    "kind": "gp",
                },
            ],
            "evidence": [
                {
                    "title": "GP letter on trauma symptoms",
                    "kind": "medical",
                    "source": "Dr A. Example (fictional GP)",
                    "date_obtained": d(-5),
                    "body": "Letter describes sleep disturbance, flashbacks and memory gaps "
                    "consistent with trauma; explains inconsistent dates in the first account.",
                    "indicators": ["abuse_of_vulnerability", "isolation"],
                },
                {
                    "title": "Police crime reference and raid summary",
                    "kind": "police",
                    "source": "Example Constabulary (fictional)",
                    "date_obtained": d(-30),
                    "body": "Crime reference for the grow house raid; locked doors and no keys found.",
                    "indicators": ["restriction_of_movement", "debt_bondage"],
                },
            ],
        },
        {
            "survivor": {
                "full_name": "Arbër Hoxha",
                "preferred_name": "Arbër",
                "date_of_birth": "1999-07-15",
                "gender": "male",
                "nationality": "Albanian",
                "languages": ["sq", "en"],
            },
            "jurisdiction": "england-wales",
            "exploitation_types": ["labour"],
            "notes": DEMO_NOTE,
            "referral": {
                "date": d(-120),
                "first_responder": "Example Migrant Support (fictional FRO)",
                "consent_given": True,
                "reference": "NRM-DEMO-0002",
            },
            "decisions": [
                {
                    "kind": "reasonable_grounds",
                    "outcome": "positive",
                    "date": d(-110),
                    "authority": "SCA",
                    "reference": "SCA-DEMO-2025-0002",
                }
            ],
            "events": [
                {
                    "date": "2022",
                    "end": "2024-06",
                    "title": "Unpaid work on building sites to repay a travel debt",
                    "kind": "exploitation",
                    "source": "Survivor's account",
                }
            ],
            "appointments": [
                {
                    "start": dt(1, "09:30"),
                    "title": "Asylum interview",
                    "location": "Example Home Office site (fictional)",
                    "kind": "asylum_interview",
                    "interpreter_needed": True,
                    "interpreter_language": "Albanian",
                }
            ],
        },
        {
            "survivor": {
                "full_name": "ሰላም ተስፋይ",
                "preferred_name": "Selam",
                "aliases": ["Selam Tesfay"],
                "date_of_birth": "1990-01-01",
                "date_of_birth_is_estimate": True,
                "gender": "female",
                "nationality": "Eritrean",
                "languages": ["ti", "ar"],
                "interpreter_needed": True,
                "interpreter_language": "Tigrinya",
            },
            "jurisdiction": "england-wales",
            "status": "lost_contact",
            "status_reason": "No answer since the move to new accommodation",
            "exploitation_types": ["domestic_servitude"],
            "notes": DEMO_NOTE,
            "referral": {
                "date": d(-300),
                "first_responder": "Example Charity (fictional FRO)",
                "consent_given": True,
                "reference": "NRM-DEMO-0003",
            },
            "decisions": [
                {"kind": "reasonable_grounds", "outcome": "positive", "date": d(-290), "authority": "SCA"}
            ],
        },
        {
            "survivor": {
                "full_name": "Paweł Wiśniewski",
                "preferred_name": "Paweł",
                "date_of_birth": "1981-11-30",
                "gender": "male",
                "nationality": "Polish",
                "languages": ["pl"],
            },
            "jurisdiction": "scotland",
            "exploitation_types": ["labour"],
            "notes": DEMO_NOTE,
            "referral": {
                "date": d(-500),
                "first_responder": "Example Police Scotland unit (fictional)",
                "consent_given": True,
                "reference": "NRM-DEMO-0004",
            },
            "decisions": [
                {"kind": "reasonable_grounds", "outcome": "positive", "date": d(-495), "authority": "SCA"},
                {"kind": "conclusive_grounds", "outcome": "positive", "date": d(-20), "authority": "SCA"},
            ],
        },
        {
            "survivor": {
                "full_name": "Олена Коваленко",
                "preferred_name": "Olena",
                "aliases": ["Olena Kovalenko"],
                "date_of_birth": "2001-05-09",
                "gender": "female",
                "nationality": "Ukrainian",
                "languages": ["uk", "ru"],
            },
            "jurisdiction": "northern-ireland",
            "exploitation_types": ["sexual"],
            "notes": DEMO_NOTE,
            "referral": {
                "date": d(-3),
                "first_responder": "Example PSNI unit (fictional)",
                "consent_given": True,
                "reference": "NRM-DEMO-0005",
            },
        },
        {
            "survivor": {
                "full_name": "Ștefan Popescu",
                "preferred_name": "Ștefan",
                "date_of_birth": "1976-02-14",
                "gender": "male",
                "nationality": "Romanian",
                "languages": ["ro"],
            },
            "jurisdiction": "england-wales",
            "exploitation_types": ["forced_begging"],
            "re_referral_count": 1,
            "notes": DEMO_NOTE,
            "referral": {
                "date": d(-700),
                "first_responder": "Example City Council (fictional)",
                "consent_given": True,
                "reference": "NRM-DEMO-0006",
            },
            "decisions": [
                {"kind": "reasonable_grounds", "outcome": "positive", "date": d(-690), "authority": "IECA"},
                {
                    "kind": "conclusive_grounds",
                    "outcome": "negative",
                    "date": d(-35),
                    "authority": "IECA",
                    "reference": "IECA-DEMO-2025-0006",
                },
            ],
        },
        {
            "survivor": {
                "full_name": "فاطمة الزهراء",
                "preferred_name": "Fatima",
                "aliases": ["Fatima Al-Zahra"],
                "date_of_birth": "1988-09-21",
                "gender": "female",
                "nationality": "Sudanese",
                "languages": ["ar"],
                "interpreter_needed": True,
                "interpreter_language": "Sudanese Arabic",
            },
            "jurisdiction": "scotland",
            "exploitation_types": ["domestic_servitude"],
            "notes": DEMO_NOTE,
            "referral": {
                "date": d(-60),
                "first_responder": "Example Glasgow service (fictional FRO)",
                "consent_given": True,
                "reference": "NRM-DEMO-0007",
            },
            "decisions": [
                {"kind": "reasonable_grounds", "outcome": "positive", "date": d(-55), "authority": "SCA"}
            ],
        },
    ]


def fill_demo(uow_factory: Any, *, clock: Clock = utc_now) -> list[str]:
    """Add the demo cases; returns their ids. (``mark_demo`` marks a vault made only for them.)"""
    today = clock().date()
    ids = []
    for doc in demo_documents(today):
        uow: AbstractUnitOfWork = uow_factory()
        ids.append(add_case(uow, doc, clock=clock))
    return ids


def mark_demo(uow: AbstractUnitOfWork) -> None:
    """This vault is a demo (``imsa demo``, "Try the demo vault"): the GUI says DEMO."""
    with uow:
        uow.settings.set(DEMO_SETTING, True)
        uow.commit()


def is_demo(uow: AbstractUnitOfWork) -> bool:
    with uow:
        return bool(uow.settings.get(DEMO_SETTING, False))


def demo_vault_path() -> Path:
    """Beside the real vault's folder, never the same file: <data folder>/demo/demo-vault.imsa."""
    import platformdirs

    from imsa_desktop import bootstrap as vault_service

    base = Path(platformdirs.user_data_dir(vault_service.APP_NAME, vault_service.APP_AUTHOR))
    return base / "demo" / "demo-vault.imsa"


def open_or_create_demo_vault(path: Path, *, clock: Clock = utc_now) -> Vault:
    """The demo vault at *path*, opened with the demo passphrase; made and filled first if new."""
    from imsa_desktop import bootstrap as vault_service

    if vault_service.vault_exists(path):
        return vault_service.unlock(path, DEMO_PASSPHRASE)
    vault, _recovery = vault_service.create_vault(path, DEMO_PASSPHRASE, DEMO_ADVOCATE)
    try:
        mark_demo(vault.unit_of_work())
        fill_demo(vault.unit_of_work, clock=clock)
    except BaseException:
        vault.close()
        raise
    return vault

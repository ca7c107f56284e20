"""Issue 19: a fuzz test of ``case add`` and bundle import (hypothesis).

Every refusal is one sentence (an ImsaError with one line ending in a full stop, nothing else
escapes); every acceptance round-trips exactly: what was given is what the vault shows, and
what a bundle carried is what the importing vault shows.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from imsa_desktop.bundle import Sender, new_identity, write_bundle_file
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.domain.dates import FuzzyDate
from imsa_desktop.errors import ImsaError
from imsa_desktop.services import bundles as bundle_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import identity as identity_service
from imsa_desktop.store.vault import Vault
from tests.conftest import PASSPHRASE
from tests.unit.fakes import FakeUnitOfWork

# Text from every corner of Unicode (controls, bidi marks, surrogates, zero-width) and from
# the scripts advocates' clients write in.
LETTERS = list("NguyễnThịHồngArbërHoxhaሰላምተስፋይPawełWiśniewskiمريمحداد ")
GOOD_TEXT = st.text(alphabet=st.sampled_from(LETTERS), min_size=1, max_size=30).filter(lambda t: t.strip())
WILD_TEXT = st.text(max_size=60) | st.text(
    alphabet=st.sampled_from([*LETTERS, "\u200b", "\u202e", "\x00", "\x1b", "\n", "\t", "\ud800"]),
    max_size=40,
)
ANY_TEXT = st.one_of(GOOD_TEXT, GOOD_TEXT, GOOD_TEXT, WILD_TEXT)
NUMBER = st.one_of(st.integers(0, 50), st.integers(0, 50), st.integers(-(10**6), 10**31), st.booleans())
DATE_TEXT = st.sampled_from(
    [
        "2024-06-01",
        "2023-11-30",
        "1990-02-28",
        "0001-01-01",
        "2024-13-01",
        "2024",
        "summer 2024",
        "",
        "3000-01-01",
    ]
)
TIME_TEXT = st.sampled_from(
    ["2025-03-04T10:00", "2025-12-24T09:15", "2025-03-04T10:00Z", "2025-03-04T10:00+01:00", "soon", ""]
)


@st.composite
def case_documents(draw: Any) -> dict[str, Any]:
    survivor: dict[str, Any] = {"full_name": draw(ANY_TEXT)}
    for key in ("preferred_name", "nationality", "safe_contact_notes"):
        if draw(st.booleans()):
            survivor[key] = draw(ANY_TEXT)
    if draw(st.booleans()):
        survivor["date_of_birth"] = draw(DATE_TEXT)
    doc: dict[str, Any] = {"survivor": survivor}
    if draw(st.booleans()):
        doc["code"] = draw(ANY_TEXT)
    if draw(st.booleans()):
        doc["notes"] = draw(ANY_TEXT)
    if draw(st.booleans()):
        doc["re_referral_count"] = draw(NUMBER)
    if draw(st.booleans()):
        doc["id"] = draw(st.sampled_from([str(uuid.uuid4()), "not-a-uuid", ""]))
    if draw(st.booleans()):
        doc["appointments"] = [
            {
                "title": draw(ANY_TEXT),
                "start": draw(TIME_TEXT),
                "reminder_minutes": draw(NUMBER),
                "location": draw(ANY_TEXT),
            }
        ]
    if draw(st.booleans()):
        doc["events"] = [{"title": draw(ANY_TEXT), "date": draw(DATE_TEXT)}]
    return doc


def _one_sentence(e: ImsaError) -> None:
    message = e.user_message
    assert "\n" not in message and message.endswith("."), message
    assert 0 < len(message) <= 400, message


def _canonical(key: str, value: Any) -> Any:
    """Dates and times compare as what they mean ("10:00" is "10:00:00"); text exactly."""
    if key == "start":
        return datetime.fromisoformat(value)
    if key == "date":
        return FuzzyDate.parse(value).text
    return value


def _same(given_doc: dict[str, Any], shown: dict[str, Any]) -> None:
    """Everything given comes back exactly (the vault adds ids and stamps, changes nothing)."""
    for key, value in given_doc["survivor"].items():
        assert shown["survivor"][key] == value, key
    for key in ("code", "notes", "re_referral_count"):
        if key in given_doc:
            assert shown[key] == given_doc[key], key
    if given_doc.get("id"):
        assert shown["id"] == given_doc["id"]
    for kind in ("appointments", "events"):
        for mine, back in zip(given_doc.get(kind) or [], shown[kind], strict=True):
            for key, value in mine.items():
                assert _canonical(key, back[key]) == _canonical(key, value), (kind, key)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=case_documents())
def test_case_add_refuses_in_one_sentence_or_round_trips_exactly(doc: dict[str, Any]) -> None:
    uow = FakeUnitOfWork()
    try:
        case_id = case_service.add_case(uow, json.loads(json.dumps(doc)))
    except ImsaError as e:
        _one_sentence(e)
        event("refused")
        return
    event("accepted")
    _same(doc, case_service.show_case(uow, case_id, audit=False))


@pytest.fixture(scope="module")
def receiver(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("receiver")
    vault, _ = Vault.create(folder / "r.imsa", PASSPHRASE, "Selam Tesfaye (fictional)", TEST_PARAMS)
    identity_service.ensure_identity(vault.unit_of_work())
    yield vault, folder
    vault.close()


SENDER_KEYS = new_identity()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=case_documents())
def test_bundle_import_refuses_in_one_sentence_or_round_trips_exactly(
    receiver: Any, doc: dict[str, Any]
) -> None:
    vault, folder = receiver
    doc = {**doc, "id": str(uuid.uuid4())}  # a new case each time (ids are the bundle's own)
    sent = {**doc, "attachments": [], "withheld": []}
    path = Path(folder) / "fuzz.imsabundle"
    me = identity_service.my_identity(vault.unit_of_work())
    try:
        write_bundle_file(
            path,
            cases=[sent],
            attachments=[],
            sender=Sender("Paweł Wiśniewski", SENDER_KEYS.age_secret, SENDER_KEYS.signing_private),
            recipients=[me.age_public],
        )
    except ImsaError as e:  # the writer refused (e.g. a lone surrogate cannot be UTF-8)
        _one_sentence(e)
        return
    refused = []
    for check in (bundle_service.verify_file, bundle_service.preview_import, bundle_service.import_bundle):
        try:
            check(vault.unit_of_work(), path)
        except ImsaError as e:
            _one_sentence(e)
            refused.append(check.__name__)
    assert refused in ([], ["verify_file", "preview_import", "import_bundle"])  # all agree
    with vault.unit_of_work() as u:
        imported = u.cases.find(doc["id"]) is not None
    assert imported == (not refused)  # nothing half-imported
    event("imported" if imported else "refused")
    if imported:
        _same(doc, case_service.show_case(vault.unit_of_work(), doc["id"], audit=False))

"""Contacts: the fingerprint in groups to read out by phone, and "verified" for bundle-sender trust."""

from __future__ import annotations

import pytest

from imsa_desktop.bundle import new_identity
from imsa_desktop.errors import InvalidInput, NotFound
from imsa_desktop.services import identity as identity_service
from tests.unit.fakes import FakeUnitOfWork


def _card() -> tuple[str, str]:
    ident = new_identity()
    return ident.age_public, identity_service.contact_card(ident.age_public, ident.signing_public_b64)


def test_a_new_contact_is_not_verified_until_marked() -> None:
    uow = FakeUnitOfWork()
    age, card = _card()
    c = identity_service.add_contact(uow, "Paweł Wiśniewski", card)
    assert c.verified is False
    groups = c.fingerprint.split(" ")
    assert len(groups) == 5 and all(len(g) == 4 for g in groups)
    identity_service.set_verified(uow, age)
    (stored,) = identity_service.list_contacts(uow)
    assert stored.verified is True
    assert identity_service.verified_signers_in(uow) == {stored.signing_public_b64: "Paweł Wiśniewski"}
    assert "contact verified: Paweł Wiśniewski" in [e.detail for e in uow.audit.entries()]


def test_renaming_keeps_verification_but_new_keys_clear_it() -> None:
    uow = FakeUnitOfWork()
    age, card = _card()
    identity_service.add_contact(uow, "Arbër Hoxha", card)
    identity_service.set_verified(uow, age)
    identity_service.add_contact(uow, "Arbër Hoxha (Tirana office)", card)
    assert identity_service.list_contacts(uow)[0].verified is True
    other = new_identity()
    new_card = identity_service.contact_card(age, other.signing_public_b64)
    identity_service.add_contact(uow, "Arbër Hoxha", new_card)
    assert identity_service.list_contacts(uow)[0].verified is False
    assert identity_service.verified_signers_in(uow) == {}


def test_an_age_key_only_contact_cannot_be_verified_and_unknown_keys_are_refused() -> None:
    uow = FakeUnitOfWork()
    age, _card_text = _card()
    identity_service.add_contact(uow, "Trần Thị Mai", age)
    with pytest.raises(InvalidInput, match="age key only"):
        identity_service.set_verified(uow, age)
    assert identity_service.list_contacts(uow)[0].verified is False
    with pytest.raises(NotFound):
        identity_service.set_verified(uow, _card()[0])

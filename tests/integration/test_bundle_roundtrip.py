"""Bundles end to end: what one advocate writes, a colleague reads back exactly, or gets a clear error."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pyrage
import pytest

from imsa_desktop.bundle import (
    AttachmentSource,
    Sender,
    new_identity,
    read_bundle,
    verify_bundle,
    write_bundle,
    write_bundle_file,
)
from imsa_desktop.errors import (
    AttachmentDamaged,
    BundleCorrupt,
    BundleError,
    BundlePassphraseWork,
    BundleWrongKey,
    Cancelled,
    InvalidInput,
    StorageError,
)
from tests.helpers import BundleSink

DATA = Path(__file__).resolve().parents[1] / "data" / "bundles"
_spec = importlib.util.spec_from_file_location("bundle_craft", DATA / "craft.py")
assert _spec is not None and _spec.loader is not None
craft: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(craft)

ALICE = new_identity()  # the sender
BOB = new_identity()  # two colleagues receiving
CAROL = new_identity()
MALLORY = new_identity()  # not a recipient
SENDER = Sender("Arbër Hoxha", ALICE.age_secret, ALICE.signing_private)

CASES = [
    {
        "id": str(uuid.uuid4()),
        "survivor": {"name": "Nguyễn Thị Hồng"},
        "notes": "RG positive 20 January 2025",
    },
    {
        "id": str(uuid.uuid4()),
        "survivor": {"name": "ሰላም ተስፋይ"},
        "timeline": [{"when": "2024-06", "what": "met"}],
    },
    {"id": str(uuid.uuid4()), "survivor": {"name": "Paweł Wiśniewski"}, "decisions": []},
]
BIG = os.urandom(300_000)  # several age chunks and tar blocks
ATTACHMENTS = {str(uuid.uuid4()): BIG, str(uuid.uuid4()): b"", str(uuid.uuid4()): b"short note\n"}


def sources(data: dict[str, bytes] = ATTACHMENTS) -> list[AttachmentSource]:
    return [AttachmentSource(i, len(d), (lambda d=d: io.BytesIO(d))) for i, d in data.items()]


def make(**kwargs: Any) -> bytes:
    out = io.BytesIO()
    args: dict[str, Any] = {"cases": CASES, "attachments": sources(), "sender": SENDER}
    args.update(kwargs)
    if "passphrase" not in args and "recipients" not in args:
        args["recipients"] = [BOB.age_public, CAROL.age_public]
    write_bundle(out, **args)
    return out.getvalue()


def read(data: bytes | BinaryIO, **kwargs: Any) -> tuple[Any, BundleSink]:
    sink = BundleSink()
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    result = read_bundle(stream, on_case=sink.on_case, on_attachment=sink.on_attachment, **kwargs)
    return result, sink


@pytest.fixture(scope="module")
def bundle() -> bytes:
    return make()


def test_both_recipients_get_back_exactly_what_was_sent(bundle: bytes) -> None:
    for colleague in (BOB, CAROL):
        result, sink = read(
            bundle, identities=[colleague.age_secret], known_signers={ALICE.signing_public_b64: "Arbër"}
        )
        assert sink.cases == CASES
        assert sink.attachments == ATTACHMENTS
        assert (result.case_count, result.attachment_count) == (3, 3)
        assert result.sender_known and result.sender_name == "Arbër"
        assert result.manifest["sender"]["age_public_key"] == ALICE.age_public


def test_the_bundle_file_reveals_no_names_or_notes(bundle: bytes) -> None:
    for text in ("Nguyễn", "Hồng", "ሰላም", "Wiśniewski", "Arbër", "manifest", "RG positive"):
        assert text.encode("utf-8") not in bundle
    assert BIG[:64] not in bundle


def test_unknown_sender_is_flagged(bundle: bytes) -> None:
    result = verify_bundle(io.BytesIO(bundle), identities=[BOB.age_secret], known_signers={})
    assert not result.sender_known
    assert result.sender_name == "Arbër Hoxha"


def test_someone_who_is_not_a_recipient_gets_wrong_key(bundle: bytes) -> None:
    sink = BundleSink()
    with pytest.raises(BundleWrongKey):
        read_bundle(
            io.BytesIO(bundle),
            identities=[MALLORY.age_secret],
            on_case=sink.on_case,
            on_attachment=sink.on_attachment,
        )
    assert sink.cases == []


def test_a_passphrase_given_for_a_recipient_bundle_is_wrong_key(bundle: bytes) -> None:
    with pytest.raises(BundleWrongKey):
        verify_bundle(io.BytesIO(bundle), passphrase="anything")


def test_flipping_any_one_bit_never_succeeds(bundle: bytes) -> None:
    step = len(bundle) // 50
    for position in range(0, step * 50, step):
        damaged = bytearray(bundle)
        damaged[position] ^= 0x10
        with pytest.raises((BundleCorrupt, BundleWrongKey)):
            read(bytes(damaged), identities=[BOB.age_secret])


def test_truncation_at_many_offsets_is_corrupt(bundle: bytes) -> None:
    offsets = [0, 1, 21, 22, 50, 200] + list(range(300, len(bundle), len(bundle) // 40)) + [len(bundle) - 1]
    for cut in offsets:
        with pytest.raises(BundleError) as info:
            read(bundle[:cut], identities=[BOB.age_secret])
        assert type(info.value) in (BundleCorrupt, BundleWrongKey)


def test_random_bytes_are_not_an_imsa_bundle() -> None:
    with pytest.raises(BundleCorrupt) as info:
        verify_bundle(io.BytesIO(os.urandom(5000)), identities=[BOB.age_secret])
    assert "not an IMSA bundle" in info.value.user_message


def test_valid_age_file_with_a_random_payload_is_corrupt() -> None:
    data = pyrage.encrypt(os.urandom(20_000), [pyrage.x25519.Recipient.from_str(BOB.age_public)])
    with pytest.raises(BundleCorrupt):
        verify_bundle(io.BytesIO(data), identities=[BOB.age_secret])


def test_valid_age_file_with_a_path_escape_is_corrupt_and_nothing_is_delivered() -> None:
    payload = craft.payload(ALICE.signing_private, body=[craft.member("../evil", b"x")])
    sink = BundleSink()
    with pytest.raises(BundleCorrupt):
        read_bundle(
            io.BytesIO(craft.encrypt_to(payload, BOB.age_public)),
            identities=[BOB.age_secret],
            on_case=sink.on_case,
            on_attachment=sink.on_attachment,
        )
    assert sink.cases == [] and sink.attachments == {}


def _threads_settle(before: int) -> bool:
    for t in threading.enumerate():
        if t.name == "bundle-decrypt":
            t.join(timeout=10)
    return threading.active_count() <= before


def test_an_importer_error_passes_through_unchanged_and_stops_decryption(bundle: bytes) -> None:
    class ImporterFailed(Exception):
        pass

    def failing(case: dict[str, Any]) -> None:
        raise ImporterFailed()

    before = threading.active_count()
    with pytest.raises(ImporterFailed):
        read_bundle(
            io.BytesIO(bundle), identities=[BOB.age_secret], on_case=failing, on_attachment=lambda i, c: None
        )
    assert _threads_settle(before)


def test_an_attachment_sink_may_stop_reading_early(bundle: bytes) -> None:
    firsts: dict[str, bytes] = {}

    def first_chunk_only(ident: str, chunks: Iterator[bytes]) -> None:
        firsts[ident] = next(iter(chunks), b"")

    result = read_bundle(
        io.BytesIO(bundle),
        identities=[BOB.age_secret],
        on_case=lambda c: None,
        on_attachment=first_chunk_only,
    )
    assert result.attachment_count == 3
    assert all(ATTACHMENTS[i].startswith(chunk) for i, chunk in firsts.items())


def test_cancel_while_reading_raises_cancelled(bundle: bytes) -> None:
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 5

    before = threading.active_count()
    with pytest.raises(Cancelled):
        verify_bundle(io.BytesIO(bundle), identities=[BOB.age_secret], cancelled=cancelled)
    assert _threads_settle(before)


def test_progress_counts_up_to_the_file_size(bundle: bytes) -> None:
    seen: list[tuple[int, int]] = []
    verify_bundle(io.BytesIO(bundle), identities=[BOB.age_secret], progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (len(bundle), len(bundle))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


class FailAfter(io.RawIOBase):
    """A stream that fails after N bytes, like a USB stick pulled out (KeePassXC FailDevice)."""

    def __init__(self, data: bytes, n: int) -> None:
        self._data, self._n, self._pos = data, n, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._pos >= self._n:
            raise OSError(5, "Input/output error")
        size = self._n - self._pos if size < 0 else min(size, self._n - self._pos)
        chunk = self._data[self._pos : self._pos + size]
        self._pos += len(chunk)
        return chunk


def test_a_stream_that_fails_midway_is_reported_as_unreadable(bundle: bytes) -> None:
    with pytest.raises(BundleCorrupt) as info:
        verify_bundle(FailAfter(bundle, len(bundle) // 2), identities=[BOB.age_secret])  # type: ignore[arg-type]
    assert "could not be read" in info.value.user_message


# --- writing ---------------------------------------------------------------------------------


def test_write_bundle_file_leaves_only_the_finished_file(tmp_path: Path) -> None:
    target = tmp_path / "handover.imsabundle"
    summary = write_bundle_file(
        target, cases=CASES, attachments=sources(), sender=SENDER, recipients=[BOB.age_public]
    )
    assert os.listdir(tmp_path) == ["handover.imsabundle"]
    assert summary.case_count == 3 and summary.attachment_count == 3
    with open(target, "rb") as handle:
        _, sink = read(handle, identities=[BOB.age_secret])  # type: ignore[arg-type]
    assert sink.cases == CASES


@pytest.mark.parametrize("failure", ["cancel", "attachment changed", "attachment unreadable"])
def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path: Path, failure: str) -> None:
    target = tmp_path / "handover.imsabundle"
    target.write_bytes(b"previous bundle")
    atts = sources()
    cancelled: Callable[[], bool] | None = None
    expected: type[Exception]
    if failure == "cancel":
        calls: list[int] = []
        cancelled = lambda: bool(calls.append(1)) or len(calls) > 8  # noqa: E731
        expected = Cancelled
    elif failure == "attachment changed":
        versions = iter([BIG, BIG[:-1] + b"?"])
        atts[0] = AttachmentSource(atts[0].id, len(BIG), lambda: io.BytesIO(next(versions)))
        expected = AttachmentDamaged
    else:

        def unreadable() -> BinaryIO:
            raise PermissionError(13, "denied")

        atts[0] = AttachmentSource(atts[0].id, len(BIG), unreadable)
        expected = StorageError
    with pytest.raises(expected):
        write_bundle_file(
            target,
            cases=CASES,
            attachments=atts,
            sender=SENDER,
            recipients=[BOB.age_public],
            cancelled=cancelled,
        )
    assert os.listdir(tmp_path) == ["handover.imsabundle"]
    assert target.read_bytes() == b"previous bundle"


def test_write_refuses_unclear_arguments() -> None:
    with pytest.raises(InvalidInput):
        make(recipients=[BOB.age_public], passphrase="both given")
    with pytest.raises(InvalidInput):
        make(recipients=["age1notakey"])
    with pytest.raises(InvalidInput):
        make(cases=[{"survivor": "no id"}])
    with pytest.raises(InvalidInput):
        make(cases=[CASES[0], CASES[0]])
    with pytest.raises(AttachmentDamaged):
        make(attachments=[AttachmentSource(str(uuid.uuid4()), 10, lambda: io.BytesIO(b"short"))])


def test_hash_in_manifest_matches_what_was_sent(bundle: bytes) -> None:
    result, _ = read(bundle, identities=[CAROL.age_secret])
    listed = {m["name"]: m["sha256"] for m in result.manifest["members"]}
    for ident, data in ATTACHMENTS.items():
        assert listed[f"attachments/{ident}"] == hashlib.sha256(data).hexdigest()


# --- passphrase bundles (scrypt is slow on purpose: only a few here) ----------------------------


@pytest.fixture(scope="module")
def passphrase_bundle() -> bytes:
    return make(
        cases=CASES[:1], attachments=sources({str(uuid.uuid4()): b"letter"}), passphrase="Hồng's café 2025!"
    )


def test_passphrase_round_trip(passphrase_bundle: bytes) -> None:
    result, sink = read(passphrase_bundle, passphrase="Hồng's café 2025!")
    assert sink.cases == CASES[:1]
    assert list(sink.attachments.values()) == [b"letter"]
    assert result.signer_key == ALICE.signing_public_b64


def test_wrong_passphrase_is_wrong_key(passphrase_bundle: bytes) -> None:
    with pytest.raises(BundleWrongKey) as info:
        verify_bundle(io.BytesIO(passphrase_bundle), passphrase="Hong's cafe 2025!")
    assert "Hong" not in info.value.user_message


def _with_work_factor(data: bytes, log_n: int) -> bytes:
    """*data* with the work factor of its (one) age scrypt stanza replaced, the length kept."""
    head, salt, old, rest = re.split(rb"(-> scrypt \S+ )(\d+)", data, maxsplit=1)
    assert len(str(log_n)) == len(old)
    return head + salt + str(log_n).encode() + rest


@pytest.mark.parametrize("layout", ["one-time key", "first layout"])
def test_a_passphrase_age_will_not_try_now_is_not_called_wrong(passphrase_bundle: bytes, layout: str) -> None:
    # age refuses a work factor more than 16 times what it measures this computer does in a
    # second, before trying the passphrase; it measures at each attempt, so a busy machine
    # refuses sound files (a flaky CLI test). 2^40 is refused on any computer.
    from pyrage import passphrase as age_passphrase

    source = passphrase_bundle if layout == "one-time key" else age_passphrase.encrypt(b"x" * 600, "pw")
    with pytest.raises(BundlePassphraseWork) as info:
        verify_bundle(io.BytesIO(_with_work_factor(source, 40)), passphrase="Hồng's café 2025!")
    message = info.value.user_message
    assert "try again" in message and "passphrase given" not in message and "damaged" not in message


# --- golden files -----------------------------------------------------------------------------


def _golden() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((DATA / "expected.json").read_text())["bundles"]
    return entries


@pytest.mark.parametrize("entry", _golden(), ids=lambda e: f"{e['file']}-{e['key']}")
def test_golden_bundle_gives_its_documented_result(entry: dict[str, Any]) -> None:
    keys = json.loads((DATA / "keys.json").read_text())
    key_args: dict[str, Any] = {
        "receiver": {"identities": [keys["receiver_age_secret"]]},
        "other": {"identities": [keys["other_age_secret"]]},
        "passphrase": {"passphrase": keys["passphrase"]},
        "wrong-passphrase": {"passphrase": keys["passphrase"] + "x"},
    }[entry["key"]]
    with open(DATA / entry["file"], "rb") as handle:
        if entry["expect"] == "ok":
            result, _ = read(handle, known_signers={keys["sender_signing_public_b64"]: "Paweł"}, **key_args)  # type: ignore[arg-type]
            assert (result.case_count, result.attachment_count) == (entry["cases"], entry["attachments"])
            assert result.sender_known
        else:
            with pytest.raises(BundleError) as info:
                read(handle, **key_args)  # type: ignore[arg-type]
            assert type(info.value).__name__ == entry["expect"]


def test_passphrase_bundles_stream_past_the_old_cap_and_damage_anywhere_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from imsa_desktop.bundle import format as fmt
    from imsa_desktop.errors import BundleTooLarge

    # the old whole-file cap applies only to passphrase files made before one-time keys
    monkeypatch.setattr(fmt, "MAX_PASSPHRASE_BUNDLE_BYTES", 64 * 1024)
    data = make(passphrase="a long enough passphrase")
    assert len(data) > 64 * 1024
    result, sink = read(data, passphrase="a long enough passphrase")
    assert sink.cases == CASES and sink.attachments == ATTACHMENTS
    assert result.case_count == 3
    with pytest.raises(BundleTooLarge):
        verify_bundle(io.BytesIO(b"age-encryption.org/v1\n" + bytes(200_000)), passphrase="x")
    # cut short, one byte changed in the key or the payload, or anything appended: refused
    for damaged in (
        data[: len(data) // 2],
        data[:600],
        data[:-1],
        data + b"\x00" * 20_000,
        data + b"x",
        data[:-15_000] + bytes([data[-15_000] ^ 1]) + data[-14_999:],
    ):
        with pytest.raises(BundleCorrupt):
            verify_bundle(io.BytesIO(damaged), passphrase="a long enough passphrase")
    with pytest.raises(BundleWrongKey):
        verify_bundle(io.BytesIO(data), passphrase="not the passphrase")
    # a changed byte in the passphrase-protected key cannot be told from a wrong passphrase
    with pytest.raises((BundleCorrupt, BundleWrongKey)):
        key_flipped = data[:700] + bytes([data[700] ^ 1]) + data[701:]
        verify_bundle(io.BytesIO(key_flipped), passphrase="a long enough passphrase")
    with pytest.raises(BundleWrongKey) as info:
        verify_bundle(io.BytesIO(data), identities=[BOB.age_secret])
    assert "passphrase" in info.value.user_message

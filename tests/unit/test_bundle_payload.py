"""The plaintext payload reader: every damaged or hostile tar gives a BundleError, never data."""

from __future__ import annotations

import gzip
import importlib.util
import io
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imsa_desktop.bundle import format as fmt
from imsa_desktop.bundle import new_identity, read_payload
from imsa_desktop.errors import BundleCorrupt, BundleError, BundleTooLarge, BundleUnsupported
from tests.helpers import BundleSink

_spec = importlib.util.spec_from_file_location(
    "bundle_craft", Path(__file__).resolve().parents[1] / "data" / "bundles" / "craft.py"
)
assert _spec is not None and _spec.loader is not None
craft: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(craft)

SIGNER = new_identity()
KEY = SIGNER.signing_private


def read(data: bytes, known: dict[str, str] | None = None) -> tuple[Any, BundleSink]:
    sink = BundleSink()
    result = read_payload(
        io.BytesIO(data), known_signers=known, on_case=sink.on_case, on_attachment=sink.on_attachment
    )
    return result, sink


def test_valid_payload_gives_back_cases_and_attachment_bytes() -> None:
    result, sink = read(craft.payload(KEY), known={SIGNER.signing_public_b64: "Paweł (address book)"})
    assert sink.cases == craft.CASES
    assert sink.attachments == {craft.ATTACHMENT_1: craft.ATTACHMENT_DATA}
    assert (result.case_count, result.attachment_count) == (2, 1)
    assert result.sender_known and result.sender_name == "Paweł (address book)"
    assert result.signer_key == SIGNER.signing_public_b64


def test_unknown_signer_is_reported_with_the_name_the_bundle_claims() -> None:
    result, _ = read(craft.payload(KEY), known={new_identity().signing_public_b64: "Someone else"})
    assert not result.sender_known
    assert result.sender_name == "Paweł Wiśniewski"


def test_payload_is_a_tar_any_tool_can_list_with_manifest_first() -> None:
    names = tarfile.open(fileobj=io.BytesIO(craft.payload(KEY)), mode="r|").getnames()
    assert names[:2] == ["manifest.json", "manifest.sig"]
    assert names[2] == f"cases/{craft.CASE_1}.json"


def _items() -> list[tuple[str, bytes]]:
    return list(craft.entries(craft.CASES, {craft.ATTACHMENT_1: craft.ATTACHMENT_DATA}))


def _valid_body() -> list[bytes]:
    return [craft.member(n, d) for n, d in _items()]


def _v99(m: dict[str, Any]) -> None:
    m["payload_version"] = 99


def _other_format(m: dict[str, Any]) -> None:
    m["format"] = "keepass"


def _huge_attachment(m: dict[str, Any]) -> None:
    m["members"][-1]["size"] = fmt.MAX_ATTACHMENT_BYTES + 1


def _many_attachments(m: dict[str, Any]) -> None:
    m["counts"]["attachments"] = fmt.MAX_ATTACHMENTS + 1


def _lying_size(m: dict[str, Any]) -> None:
    m["members"][-1]["size"] -= 1


def _bad_hash(m: dict[str, Any]) -> None:
    m["members"][0]["sha256"] = "0" * 64


BAD_PAYLOADS: dict[str, tuple[Any, type[BundleError]]] = {
    "path escape ../evil": (lambda: craft.payload(KEY, body=[craft.member("../evil", b"x")]), BundleCorrupt),
    "absolute path": (lambda: craft.payload(KEY, body=[craft.member("/etc/passwd", b"x")]), BundleCorrupt),
    "symlink": (
        lambda: craft.payload(
            KEY, body=[craft.member("attachments/x", kind=tarfile.SYMTYPE, linkname="/etc/shadow")]
        ),
        BundleCorrupt,
    ),
    "hard link": (
        lambda: craft.payload(KEY, body=[craft.member("attachments/x", kind=tarfile.LNKTYPE, linkname="a")]),
        BundleCorrupt,
    ),
    "device": (lambda: craft.payload(KEY, body=[craft.member("dev", kind=tarfile.CHRTYPE)]), BundleCorrupt),
    "duplicate member": (
        lambda: craft.payload(KEY, body=_valid_body()[:1] + _valid_body()),
        BundleCorrupt,
    ),
    "member not in manifest": (
        lambda: craft.payload(KEY, after=[craft.member(f"attachments/{craft.CASE_2}", b"extra")]),
        BundleCorrupt,
    ),
    "member larger than declared": (
        lambda: craft.payload(KEY, edit_manifest=_lying_size),
        BundleCorrupt,
    ),
    "tar header lies about size": (
        lambda: craft.payload(
            KEY,
            body=_valid_body()[:2]
            + [craft.member(_items()[2][0], _items()[2][1], declared_size=len(_items()[2][1]) + 512)],
        ),
        BundleCorrupt,
    ),
    "hash mismatch": (lambda: craft.payload(KEY, edit_manifest=_bad_hash), BundleCorrupt),
    "unsigned manifest": (lambda: craft.payload(KEY, with_signature=False), BundleCorrupt),
    "signed by another key": (
        lambda: craft.payload(KEY, sign_with=new_identity().signing_private),
        BundleCorrupt,
    ),
    "zero signature": (lambda: craft.payload(KEY, signature=bytes(64)), BundleCorrupt),
    "payload_version 99": (lambda: craft.payload(KEY, edit_manifest=_v99), BundleUnsupported),
    "unknown format": (lambda: craft.payload(KEY, edit_manifest=_other_format), BundleUnsupported),
    "attachment over 64 GiB declared": (
        lambda: craft.payload(KEY, edit_manifest=_huge_attachment),
        BundleTooLarge,
    ),
    "over 100,000 attachments declared": (
        lambda: craft.payload(KEY, edit_manifest=_many_attachments),
        BundleTooLarge,
    ),
    "manifest over 16 MiB declared": (
        lambda: craft.tar_stream(
            [craft.member("manifest.json", b"{}", declared_size=fmt.MAX_MANIFEST_BYTES + 1)]
        ),
        BundleTooLarge,
    ),
    "gzip-compressed payload": (lambda: gzip.compress(craft.payload(KEY)), BundleCorrupt),
    "manifest not first": (lambda: craft.tar_stream(_valid_body()), BundleCorrupt),
    "no end-of-archive": (lambda: craft.payload(KEY)[: -fmt.KIB * 10], BundleCorrupt),
    "trailing garbage after the archive": (lambda: craft.payload(KEY) + b"\x01", BundleCorrupt),
    "empty": (lambda: b"", BundleCorrupt),
    "manifest is not JSON": (
        lambda: craft.tar_stream(
            [craft.member("manifest.json", b"\xff\xfe{"), craft.member("manifest.sig", bytes(64))]
        ),
        BundleCorrupt,
    ),
}


@pytest.mark.parametrize("label", sorted(BAD_PAYLOADS))
def test_bad_payload_is_refused_with_the_right_error(label: str) -> None:
    make, expected = BAD_PAYLOADS[label]
    sink = BundleSink()
    with pytest.raises(BundleError) as info:
        read_payload(io.BytesIO(make()), on_case=sink.on_case, on_attachment=sink.on_attachment)
    assert type(info.value) is expected
    assert info.value.user_message.endswith(".")


def test_case_is_not_handed_over_when_its_hash_fails() -> None:
    sink = BundleSink()
    with pytest.raises(BundleCorrupt):
        read_payload(
            io.BytesIO(craft.payload(KEY, edit_manifest=_bad_hash)),
            on_case=sink.on_case,
            on_attachment=sink.on_attachment,
        )
    assert sink.cases == []


def test_attachment_sink_that_stops_early_still_gets_the_hash_checked() -> None:
    damaged = {craft.ATTACHMENT_1: craft.ATTACHMENT_DATA[:-1] + b"!"}

    def edit(m: dict[str, Any]) -> None:  # manifest keeps the hash of the real data
        m["members"][-1]["sha256"] = __import__("hashlib").sha256(craft.ATTACHMENT_DATA).hexdigest()

    data = craft.payload(KEY, attachments=damaged, edit_manifest=edit)
    with pytest.raises(BundleCorrupt):
        read_payload(io.BytesIO(data), on_case=lambda c: None, on_attachment=lambda i, chunks: None)


def test_attachment_sink_that_swallows_the_error_does_not_hide_it() -> None:
    def edit(m: dict[str, Any]) -> None:
        m["members"][-1]["sha256"] = "f" * 64

    def swallowing(ident: str, chunks: Iterator[bytes]) -> None:
        try:
            for _ in chunks:
                pass
        except BundleError:
            pass

    with pytest.raises(BundleCorrupt):
        read_payload(
            io.BytesIO(craft.payload(KEY, edit_manifest=edit)),
            on_case=lambda c: None,
            on_attachment=swallowing,
        )


# --- property-based fuzzing --------------------------------------------------------------------

VALID = craft.payload(KEY)


def _only_bundle_errors(data: bytes) -> None:
    try:
        read(data)
    except BundleError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_random_bytes_give_only_bundle_errors(data: bytes) -> None:
    _only_bundle_errors(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(VALID) - 1), st.integers(min_value=1, max_value=255)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_valid_payload_never_escapes_as_another_exception(flips: list[tuple[int, int]]) -> None:
    data = bytearray(VALID)
    for pos, mask in flips:
        data[pos] ^= mask
    try:
        _, sink = read(bytes(data))
    except BundleError:
        return
    # success is only acceptable if what the user gets is exactly what was sent
    assert sink.cases == craft.CASES
    assert sink.attachments == {craft.ATTACHMENT_1: craft.ATTACHMENT_DATA}


def test_payload_cut_at_any_block_boundary_is_refused() -> None:
    for cut in range(0, len(VALID) - tarfile.RECORDSIZE, 256):
        with pytest.raises(BundleError):
            read(VALID[:cut])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "manifest.json",
                    "manifest.sig",
                    "../x",
                    "/abs",
                    f"cases/{craft.CASE_1}.json",
                    "attachments/a",
                ]
            ),
            st.binary(max_size=600),
            st.sampled_from([tarfile.REGTYPE, tarfile.SYMTYPE, tarfile.DIRTYPE, tarfile.XHDTYPE]),
        ),
        max_size=5,
    )
)
def test_generated_tar_streams_give_only_bundle_errors(members: list[tuple[str, bytes, bytes]]) -> None:
    _only_bundle_errors(craft.tar_stream([craft.member(n, d, kind=k) for n, d, k in members]))


def test_a_known_hash_that_is_wrong_aborts_the_bundle() -> None:
    """A caller-supplied SHA-256 saves a read, but the streamed bytes are still checked."""
    import io

    import pytest

    from imsa_desktop.bundle import AttachmentSource, Sender, new_identity, write_bundle
    from imsa_desktop.errors import AttachmentDamaged

    me = new_identity()
    sender = Sender("Sam Example (fictional)", me.age_secret, me.signing_private)
    data = b"witness statement, page 1" * 100
    wrong = AttachmentSource(
        "3f2b8a1e-0000-4000-8000-000000000001", len(data), lambda: io.BytesIO(data), sha256="0" * 64
    )
    with pytest.raises(AttachmentDamaged):
        write_bundle(io.BytesIO(), cases=[], attachments=[wrong], sender=sender, recipients=[me.age_public])

"""Build valid and deliberately broken bundle payloads for tests and golden files.

Used by tests/unit/test_bundle_payload.py, tests/integration/test_bundle_*.py and, run as a script
(`python tests/data/bundles/craft.py`), to regenerate the golden files in this folder. All people
named here are fictional.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

import pyrage  # noqa: E402

from imsa_desktop.bundle import format as fmt  # noqa: E402
from imsa_desktop.bundle.keys import sign, signing_public_b64  # noqa: E402
from imsa_desktop.bundle.payload import end_of_archive, padding  # noqa: E402

CASE_1 = "0b6f5f5e-8f7e-4b43-9a57-3f0c2a9d4e11"
CASE_2 = "5c1d7b0a-2e43-4f8e-8a0b-6d2f9e7c1a22"
ATTACHMENT_1 = "9e2b4c6d-1a3f-4e5b-8c7d-0f1e2d3c4b33"

CASES: list[dict[str, Any]] = [
    {
        "id": CASE_1,
        "survivor": {"name": "Nguyễn Thị Hồng", "languages": ["vi"]},
        "notes": "Fictional test case. RG decision requested.",
    },
    {"id": CASE_2, "survivor": {"name": "ሰላም ተስፋይ (Selam Tesfay)"}, "notes": "Fictional test case."},
]
ATTACHMENT_DATA = b"%PDF-1.4 fictional letter for Arb\xc3\xabr Hoxha\n" * 50


def member(
    name: str,
    data: bytes = b"",
    *,
    kind: bytes = tarfile.REGTYPE,
    linkname: str = "",
    declared_size: int | None = None,
) -> bytes:
    """One tar member: header (pax format) + data + NUL padding. ``declared_size`` may lie."""
    info = tarfile.TarInfo(name)
    info.size = len(data) if declared_size is None else declared_size
    info.type = kind
    info.linkname = linkname
    info.mode = 0o600
    if kind != tarfile.REGTYPE:
        info.size = 0 if declared_size is None else declared_size
    return info.tobuf(tarfile.PAX_FORMAT, "utf-8", "strict") + data + padding(len(data))


def tar_stream(members: list[bytes], *, end: bool = True) -> bytes:
    body = b"".join(members)
    return body + (end_of_archive(len(body)) if end else b"")


def entries(cases: list[dict[str, Any]], attachments: dict[str, bytes]) -> list[tuple[str, bytes]]:
    out = [(fmt.case_member_name(c["id"]), fmt.encode_case(c)) for c in cases]
    out += [(fmt.attachment_member_name(i), d) for i, d in attachments.items()]
    return out


def manifest_for(
    items: list[tuple[str, bytes]], signing_private: bytes, *, n_cases: int | None = None
) -> dict[str, Any]:
    if n_cases is None:
        n_cases = sum(1 for name, _ in items if name.startswith(fmt.CASE_PREFIX))
    return {
        "format": fmt.FORMAT_NAME,
        "payload_version": fmt.PAYLOAD_VERSION,
        "created_at": "2025-01-20T09:30:00Z",
        "app_version": "0.1.0",
        "sender": {
            "name": "Paweł Wiśniewski",
            "age_public_key": "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
            "signing_public_key": signing_public_b64(signing_private),
        },
        "counts": {"cases": n_cases, "attachments": len(items) - n_cases},
        "members": [{"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in items],
    }


def payload(
    signing_private: bytes,
    *,
    cases: list[dict[str, Any]] | None = None,
    attachments: dict[str, bytes] | None = None,
    edit_manifest: Callable[[dict[str, Any]], None] | None = None,
    sign_with: bytes | None = None,
    signature: bytes | None = None,
    with_signature: bool = True,
    body: list[bytes] | None = None,
    after: list[bytes] | None = None,
) -> bytes:
    """A payload; by default valid. ``body`` replaces the members after the signature."""
    cases = CASES if cases is None else cases
    attachments = {ATTACHMENT_1: ATTACHMENT_DATA} if attachments is None else attachments
    items = entries(cases, attachments)
    manifest = manifest_for(items, signing_private)
    if edit_manifest is not None:
        edit_manifest(manifest)
    manifest_bytes = fmt.encode_manifest(manifest)
    sig = signature if signature is not None else sign(sign_with or signing_private, manifest_bytes)
    members = [member(fmt.MANIFEST_NAME, manifest_bytes)]
    if with_signature:
        members.append(member(fmt.SIGNATURE_NAME, sig))
    members += body if body is not None else [member(n, d) for n, d in items]
    members += after or []
    return tar_stream(members)


def encrypt_to(plaintext: bytes, age_public: str) -> bytes:
    return pyrage.encrypt(plaintext, [pyrage.x25519.Recipient.from_str(age_public)])


# --- golden files -----------------------------------------------------------------------------


def main() -> None:
    """Regenerate the golden bundles (they are committed; age output is randomised)."""
    from imsa_desktop.bundle import AttachmentSource, Sender, new_identity, write_bundle

    keys = json.loads((HERE / "keys.json").read_text()) if (HERE / "keys.json").exists() else None
    if keys is None:
        sender, receiver = new_identity(), new_identity()
        keys = {
            "_note": "TEST-ONLY keys for the golden bundles; never use them for real data.",
            "sender_age_secret": sender.age_secret,
            "sender_signing_private_hex": sender.signing_private.hex(),
            "sender_signing_public_b64": sender.signing_public_b64,
            "receiver_age_secret": receiver.age_secret,
            "receiver_age_public": receiver.age_public,
            "other_age_secret": new_identity().age_secret,
            "passphrase": "golden test passphrase: not a secret",
        }
        (HERE / "keys.json").write_text(json.dumps(keys, indent=2) + "\n")
    signing = bytes.fromhex(keys["sender_signing_private_hex"])
    sender = Sender("Paweł Wiśniewski", keys["sender_age_secret"], signing)
    attachment = AttachmentSource(ATTACHMENT_1, len(ATTACHMENT_DATA), lambda: io.BytesIO(ATTACHMENT_DATA))

    def write(name: str, data: bytes) -> None:
        (HERE / name).write_bytes(data)

    out = io.BytesIO()
    write_bundle(
        out, cases=CASES, attachments=[attachment], sender=sender, recipients=[keys["receiver_age_public"]]
    )
    valid = out.getvalue()
    write("valid-recipient.age", valid)
    out = io.BytesIO()
    write_bundle(out, cases=CASES[:1], attachments=[], sender=sender, passphrase=keys["passphrase"])
    write("valid-passphrase.age", out.getvalue())

    to = keys["receiver_age_public"]
    flipped = bytearray(valid)
    flipped[len(valid) // 2] ^= 0x01
    write("flipped-bit.age", bytes(flipped))
    write("truncated.age", valid[: len(valid) - 100])
    write("not-age.bin", b"PK\x03\x04 this is a zip file, not a bundle" + bytes(200))
    write("random-payload.age", encrypt_to(hashlib.sha256(b"x").digest() * 300, to))
    write("path-escape.age", encrypt_to(payload(signing, body=[member("../evil", b"x")]), to))
    write("absolute-path.age", encrypt_to(payload(signing, body=[member("/etc/passwd", b"x")]), to))
    write(
        "symlink.age",
        encrypt_to(
            payload(signing, body=[member("attachments/link", kind=tarfile.SYMTYPE, linkname="/etc")]), to
        ),
    )
    write("wrong-signature.age", encrypt_to(payload(signing, signature=bytes(64)), to))
    write("unsigned.age", encrypt_to(payload(signing, with_signature=False), to))

    def v99(m: dict[str, Any]) -> None:
        m["payload_version"] = 99

    write("payload-version-99.age", encrypt_to(payload(signing, edit_manifest=v99), to))

    def too_many(m: dict[str, Any]) -> None:
        m["counts"]["cases"] = fmt.MAX_CASES + 1

    write("too-many-cases.age", encrypt_to(payload(signing, edit_manifest=too_many), to))


if __name__ == "__main__":
    main()

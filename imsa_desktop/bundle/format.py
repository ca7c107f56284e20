"""Constants, limits and the manifest of the IMSA case-bundle format (payload version 1).

The layout is documented in docs/bundle-format.md; keep the two in step. This module holds no
cryptography and does no I/O: it builds and checks the manifest dictionary.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

from imsa_desktop.domain.validation import is_canonical_uuid, no_duplicate_keys
from imsa_desktop.errors import BundleCorrupt, BundleTooLarge, BundleUnsupported

__all__ = ["is_canonical_uuid"]  # re-exported: bundle code says fmt.is_canonical_uuid

FORMAT_NAME = "imsa-bundle"
PAYLOAD_VERSION = 1
SUPPORTED_PAYLOAD_VERSIONS = frozenset({1})

AGE_MAGIC = b"age-encryption.org/v1\n"

MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
SIGNATURE_SIZE = 64  # raw Ed25519 signature

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

MAX_MANIFEST_BYTES = 16 * MIB
MAX_CASE_BYTES = 64 * MIB
MAX_CASES = 10_000
MAX_ATTACHMENTS = 100_000
MAX_ATTACHMENT_BYTES = 64 * GIB
# Passphrase files of the first layout (one age scrypt file, decrypted whole because pyrage 1.4
# has no streaming passphrase API) are still read up to this size. New passphrase files use a
# one-time identity (wrapped.py) and have no cap.
MAX_PASSPHRASE_BUNDLE_BYTES = 128 * MIB
# A pax extended header we write holds one short record ("size"); anything longer is refused.
MAX_PAX_HEADER_BYTES = 4 * KIB

CASE_PREFIX = "cases/"
CASE_SUFFIX = ".json"
ATTACHMENT_PREFIX = "attachments/"

_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_AGE_PUBLIC_RE = re.compile(r"age1[02-9ac-hj-np-z]{58}")


def case_member_name(case_id: str) -> str:
    return f"{CASE_PREFIX}{case_id}{CASE_SUFFIX}"


def attachment_member_name(attachment_id: str) -> str:
    return f"{ATTACHMENT_PREFIX}{attachment_id}"


def member_kind(name: str) -> tuple[str, str] | None:
    """("case", id) or ("attachment", id) for a well-formed member name, else None."""
    if name.startswith(CASE_PREFIX) and name.endswith(CASE_SUFFIX):
        ident = name[len(CASE_PREFIX) : -len(CASE_SUFFIX)]
        if is_canonical_uuid(ident):
            return ("case", ident)
    if name.startswith(ATTACHMENT_PREFIX):
        ident = name[len(ATTACHMENT_PREFIX) :]
        if is_canonical_uuid(ident):
            return ("attachment", ident)
    return None


def encode_case(case: dict[str, Any]) -> bytes:
    """The exact bytes a case document is stored as (UTF-8 JSON, sorted keys, no NaN)."""
    return json.dumps(
        case, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def encode_manifest(manifest: dict[str, Any]) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1, allow_nan=False).encode("utf-8")


@dataclass(frozen=True)
class MemberEntry:
    name: str
    kind: str  # "case" | "attachment"
    ident: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ParsedManifest:
    raw: dict[str, Any]
    sender_name: str
    sender_age_public_key: str
    signing_public_key_b64: str
    signing_public_key: bytes
    members: tuple[MemberEntry, ...]
    case_count: int
    attachment_count: int


def _reject_constant(value: str) -> Any:
    raise ValueError("non-finite number")


def loads_strict(data: bytes) -> Any:
    """Parse UTF-8 JSON, refusing duplicate keys and NaN/Infinity; any failure is BundleCorrupt."""
    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=no_duplicate_keys, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise BundleCorrupt() from e


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def check_format_and_version(manifest: object) -> dict[str, Any]:
    """Magic, then version range (KeePassXC style). Unknown format or newer version: BundleUnsupported."""
    if not isinstance(manifest, dict):
        raise BundleCorrupt()
    if manifest.get("format") != FORMAT_NAME:
        raise BundleUnsupported("This file is not an IMSA bundle this version of IMSA Desktop can read.")
    version = manifest.get("payload_version")
    if not _is_int(version) or version < 1:
        raise BundleCorrupt()
    if version not in SUPPORTED_PAYLOAD_VERSIONS:
        raise BundleUnsupported()
    return manifest


def signing_key_from_manifest(manifest: dict[str, Any]) -> tuple[str, bytes]:
    sender = manifest.get("sender")
    if not isinstance(sender, dict):
        raise BundleCorrupt()
    key_b64 = sender.get("signing_public_key")
    if not isinstance(key_b64, str):
        raise BundleCorrupt()
    try:
        raw = base64.b64decode(key_b64.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as e:
        raise BundleCorrupt() from e
    if len(raw) != 32 or base64.b64encode(raw).decode("ascii") != key_b64:
        raise BundleCorrupt()
    return key_b64, raw


def parse_manifest(manifest: dict[str, Any]) -> ParsedManifest:
    """Check every field of a version-1 manifest; limits first (BundleTooLarge), then shape."""
    key_b64, key_raw = signing_key_from_manifest(manifest)
    sender = manifest["sender"]
    name = sender.get("name")
    age_pub = sender.get("age_public_key")
    if not isinstance(name, str) or not (1 <= len(name) <= 200):
        raise BundleCorrupt()
    if not isinstance(age_pub, str) or not _AGE_PUBLIC_RE.fullmatch(age_pub):
        raise BundleCorrupt()
    if not isinstance(manifest.get("created_at"), str) or not isinstance(manifest.get("app_version"), str):
        raise BundleCorrupt()
    counts = manifest.get("counts")
    members_raw = manifest.get("members")
    if not isinstance(counts, dict) or not isinstance(members_raw, list):
        raise BundleCorrupt()
    n_cases, n_attachments = counts.get("cases"), counts.get("attachments")
    if not _is_int(n_cases) or not _is_int(n_attachments) or n_cases < 0 or n_attachments < 0:
        raise BundleCorrupt()
    if n_cases > MAX_CASES or n_attachments > MAX_ATTACHMENTS:
        raise BundleTooLarge()
    if len(members_raw) > MAX_CASES + MAX_ATTACHMENTS:
        raise BundleTooLarge()
    if len(members_raw) != n_cases + n_attachments:
        raise BundleCorrupt()
    entries: list[MemberEntry] = []
    seen: set[str] = set()
    for position, item in enumerate(members_raw):
        if not isinstance(item, dict) or set(item) != {"name", "size", "sha256"}:
            raise BundleCorrupt()
        m_name, size, digest = item["name"], item["size"], item["sha256"]
        if not isinstance(m_name, str) or not _is_int(size) or size < 0 or not isinstance(digest, str):
            raise BundleCorrupt()
        kind = member_kind(m_name)
        if kind is None or m_name in seen or not _SHA256_RE.fullmatch(digest):
            raise BundleCorrupt()
        # Cases come first, then attachments: the order the payload carries them in.
        if (kind[0] == "case") != (position < n_cases):
            raise BundleCorrupt()
        limit = MAX_CASE_BYTES if kind[0] == "case" else MAX_ATTACHMENT_BYTES
        if size > limit:
            raise BundleTooLarge()
        seen.add(m_name)
        entries.append(MemberEntry(m_name, kind[0], kind[1], size, digest))
    return ParsedManifest(
        raw=manifest,
        sender_name=name,
        sender_age_public_key=age_pub,
        signing_public_key_b64=key_b64,
        signing_public_key=key_raw,
        members=tuple(entries),
        case_count=n_cases,
        attachment_count=n_attachments,
    )

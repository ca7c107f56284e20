"""The encrypted case-bundle format: an age file holding a signed, streamed tar payload.

See docs/bundle-format.md. Public API:

- ``write_bundle`` / ``write_bundle_file``: make a bundle (to a passphrase or age recipients).
- ``read_bundle`` / ``verify_bundle``: decrypt, authenticate and stream a bundle back.
- ``new_identity``: fresh age X25519 + Ed25519 keys for a person.
"""

from imsa_desktop.bundle.format import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    MAX_CASE_BYTES,
    MAX_CASES,
    MAX_MANIFEST_BYTES,
    MAX_PASSPHRASE_BUNDLE_BYTES,
    PAYLOAD_VERSION,
)
from imsa_desktop.bundle.keys import Identity, Sender, new_identity
from imsa_desktop.bundle.payload import VerifiedBundle, read_payload
from imsa_desktop.bundle.reader import read_bundle, verify_bundle
from imsa_desktop.bundle.writer import AttachmentSource, BundleSummary, write_bundle, write_bundle_file

__all__ = [
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "MAX_CASES",
    "MAX_CASE_BYTES",
    "MAX_MANIFEST_BYTES",
    "MAX_PASSPHRASE_BUNDLE_BYTES",
    "PAYLOAD_VERSION",
    "AttachmentSource",
    "BundleSummary",
    "Identity",
    "Sender",
    "VerifiedBundle",
    "new_identity",
    "read_bundle",
    "read_payload",
    "verify_bundle",
    "write_bundle",
    "write_bundle_file",
]

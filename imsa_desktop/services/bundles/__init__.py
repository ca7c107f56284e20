"""Sharing cases between advocates, in three parts:

- ``export``: need to know (``ShareOptions``), consent to share, and writing the signed bundle;
- ``importer``: verify, preview, and import every case of a bundle in ONE transaction;
- ``merge``: record by record, with the decision itself in ``domain.sync`` (pure, table-tested).

Merging uses a *sync base* per record (settings ``sync_base:<case id>``): the pair of stamps
(mine, theirs) of the version both vaults last agreed on, written on export and on import.
"""

from __future__ import annotations

from imsa_desktop.domain.sync import Choice
from imsa_desktop.services.bundles.export import (
    ConsentStatus,
    ExportResult,
    ShareOptions,
    advocate_name,
    attachment_opener,
    attachment_sources,
    bundle_document,
    check_bundle_passphrase,
    consent_overview,
    consent_status,
    export_cases,
    sharing_consent,
    write_signed,
)
from imsa_desktop.services.bundles.importer import import_bundle, preview_import, run_import, verify_file
from imsa_desktop.services.bundles.merge import CaseMerger, CasePreview, Conflict, ImportChoice, ImportReport

__all__ = [
    "CaseMerger",
    "CasePreview",
    "Choice",
    "Conflict",
    "ConsentStatus",
    "ExportResult",
    "ImportChoice",
    "ImportReport",
    "ShareOptions",
    "advocate_name",
    "attachment_opener",
    "attachment_sources",
    "bundle_document",
    "check_bundle_passphrase",
    "consent_overview",
    "consent_status",
    "export_cases",
    "import_bundle",
    "preview_import",
    "run_import",
    "sharing_consent",
    "verify_file",
    "write_signed",
]

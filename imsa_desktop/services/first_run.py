"""First-run use cases behind the welcome screen: restore a backup into a new vault.

(Create a vault is bootstrap.py; the demo vault is services/demo.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from imsa_desktop.errors import InvalidInput, VaultExists

if TYPE_CHECKING:
    from imsa_desktop.bootstrap import Vault


@dataclass
class Restored:
    vault: Vault
    recovery_key: str  # the new vault's own recovery key, shown once
    cases: int


def restore_to_new_vault(path: Path, backup: Path, passphrase: str, advocate_name: str) -> Restored:
    """Make a new vault at *path* with the backup's passphrase and restore the backup into it.

    All or nothing: if the backup cannot be read (wrong passphrase, damaged, not a backup),
    the new vault's files are removed again and the error says why in one sentence.
    """
    from imsa_desktop import bootstrap as vault_service
    from imsa_desktop.services import backup as backup_service

    if not backup.is_file():
        raise InvalidInput("The backup file does not exist.")
    if vault_service.vault_exists(path):
        raise VaultExists(f"A vault already exists at {path}; it was left untouched.")
    vault, recovery = vault_service.create_vault(path, passphrase, advocate_name)
    try:
        report = backup_service.restore_into(vault.unit_of_work(), backup, passphrase=passphrase)
    except BaseException:
        vault.close()
        vault_service.remove_vault_files(path)
        raise
    return Restored(vault, recovery, len(report.cases))


# ---- where the vault is kept -------------------------------------------------------------
# "Open an existing vault" remembers the file's location (only the path: nothing about any
# case) so the next start opens it. $IMSA_VAULT and --vault still come first.
LOCATION_FILE = "vault-location"


def _location_file() -> Path:
    import platformdirs

    from imsa_desktop import bootstrap as vault_service

    return (
        Path(platformdirs.user_config_dir(vault_service.APP_NAME, vault_service.APP_AUTHOR)) / LOCATION_FILE
    )


def remember_vault_location(path: Path) -> None:
    import os

    target = _location_file()
    if not target.parent.exists():
        target.parent.mkdir(parents=True, mode=0o700)
    tmp = target.with_name(target.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(str(path.expanduser().resolve()))
    os.replace(tmp, target)


def start_vault_path() -> Path:
    """The vault the GUI starts on: $IMSA_VAULT, else a remembered one that still exists,
    else the per-user data folder."""
    import os

    from imsa_desktop import bootstrap as vault_service

    if not os.environ.get("IMSA_VAULT"):
        try:
            remembered = Path(_location_file().read_text(encoding="utf-8").strip())
        except (OSError, UnicodeDecodeError):
            remembered = None
        if remembered is not None and remembered.is_absolute() and vault_service.vault_exists(remembered):
            return remembered
    return vault_service.default_vault_path()

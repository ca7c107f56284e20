"""Moved: the vault lifecycle lives in the composition root, ``imsa_desktop/bootstrap.py``.

Kept so that an import of the old name still works; new code imports ``imsa_desktop.bootstrap``.
"""

from __future__ import annotations

from imsa_desktop.bootstrap import *  # noqa: F403
from imsa_desktop.bootstrap import (  # noqa: F401 - the names callers use
    FAST_KDF_ENV,
    UnlockThrottle,
    change_passphrase,
    check_passphrase,
    create_vault,
    creation_params,
    default_vault_path,
    has_keychain_slot,
    keychain_available,
    open_unwrapped,
    reset_passphrase_with_recovery_key,
    unlock,
    unwrap,
    unwrap_keychain,
    unwrap_recovery,
    vault_exists,
)

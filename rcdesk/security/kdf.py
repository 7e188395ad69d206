"""The passphrase → key-encryption-key derivation: Argon2id (memory-hard) from `cryptography`.

The parameters live in the key file, so they can be raised later without breaking old files;
reading one refuses parameters outside sane bounds, so a damaged or crafted key file cannot make
the unlock allocate gigabytes or spin for minutes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ALG = "argon2id"
# OWASP's first Argon2id option (m=46 MiB, t=1, p=1): ~40 ms here, inside the start-up budget
DEFAULT_MEMORY_KIB = 47104
DEFAULT_ITERATIONS = 1
DEFAULT_LANES = 1
SALT_BYTES = 16
KEY_BYTES = 32

_MEMORY_KIB = (8 * 1024, 4 * 1024 * 1024)  # 8 MiB .. 4 GiB
_ITERATIONS = (1, 64)
_LANES = (1, 64)


@dataclass(frozen=True)
class KdfParams:
    salt: bytes
    memory_kib: int = DEFAULT_MEMORY_KIB
    iterations: int = DEFAULT_ITERATIONS
    lanes: int = DEFAULT_LANES

    @classmethod
    def fresh(cls) -> KdfParams:
        return cls(salt=os.urandom(SALT_BYTES))

    def check(self) -> str | None:
        """Why these parameters are unusable (English, for the key-file error's details), or None."""
        if len(self.salt) < 8:
            return "salt too short"
        for name, value, (lo, hi) in (
            ("memory_kib", self.memory_kib, _MEMORY_KIB),
            ("iterations", self.iterations, _ITERATIONS),
            ("lanes", self.lanes, _LANES),
        ):
            if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
                return f"{name} out of range"
        if self.memory_kib < 8 * self.lanes:
            return "memory_kib below 8 × lanes"
        return None


def derive(passphrase: str, params: KdfParams) -> bytes:
    """The 32-byte key-encryption key of `passphrase` (NFC-normalised, so the same typed text on
    Windows and Linux keyboards gives the same key)."""
    import unicodedata

    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # here, not at start-up (see vault.py)

    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    kdf = Argon2id(
        salt=params.salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(secret)

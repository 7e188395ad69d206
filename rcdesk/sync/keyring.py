"""An installation's two key pairs as loaded in memory, and the forms they are stored in.

Shared by `keys` (this installation's keys, files and the database) and `hq_keys` (headquarters'
keys sealed on a server), neither of which imports the other's storage.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

SIGN = "sign"
ENCRYPT = "encrypt"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _raw_public(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _pem(key: Ed25519PrivateKey | X25519PrivateKey, password: bytes | None = None) -> str:
    enc = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc).decode("ascii")


def _load_pem(pem: str, password: bytes | None = None) -> object:
    return serialization.load_pem_private_key(pem.encode("ascii"), password=password)


# a PEM file may hold any kind of key, the other key of the pair included: it would sign nothing
# (or encrypt to nobody), so it is refused before it can replace the stored key
def _sign_key(key: object) -> Ed25519PrivateKey:
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 signing key")
    return key


def _enc_key(key: object) -> X25519PrivateKey:
    if not isinstance(key, X25519PrivateKey):
        raise ValueError("not an X25519 encryption key")
    return key


@dataclass
class KeyRing:
    """The loaded private keys of this installation."""

    sign_key: Ed25519PrivateKey
    enc_key: X25519PrivateKey

    @property
    def sign_public(self) -> str:
        return b64(_raw_public(self.sign_key))

    @property
    def enc_public(self) -> str:
        return b64(_raw_public(self.enc_key))

    def sign(self, data: bytes) -> bytes:
        return self.sign_key.sign(data)

"""Personal members compressed, then encrypted chunk by chunk (package format 2).

Format 1 sealed a whole personal member with one AES-GCM call: the exporter held every
personal line in memory (twice) and the member travelled uncompressed, because ciphertext
does not compress. Format 2 streams. The JSON lines are deflated (zlib) as they are
produced; the compressed stream is cut into chunks of `chunk` bytes (the size is declared
in the signed manifest) and each chunk is sealed with AES-256-GCM under the package key:

    member = prefix (8 random bytes) || C_0 || C_1 || ... || C_n
    C_i    = AES-GCM(key, nonce = prefix || uint32_be(i), chunk_i, aad || b"|" || final_i)

- every chunk but the last holds exactly `chunk` compressed bytes, so the framing has no
  length field to forge, and memory is one chunk whatever the member's size;
- the counter in the nonce refuses reordered, repeated or dropped chunks, and the final
  flag in the associated data refuses a member cut at a chunk boundary (its new last chunk
  was sealed as "not final"); every byte of the member is authenticated;
- the associated data names the member and the package, as in format 1, so a chunk cannot
  be moved into another member or package;
- the random prefix keeps nonces unique among the members sealed under one package key
  (one ephemeral X25519 key per package, a handful of members);
- the plaintext is inflated with a ceiling, so a crafted stream cannot exhaust memory.

Compressing before encrypting reveals the compressed size of the personal data, not its
content; the record count in the manifest already says how many people came. The package
stays signed over every byte and each member's SHA-256 stays in the manifest: a chunk is
only decrypted once both were checked.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rcdesk.errors import UserError

SCHEME = "X25519-HKDF-SHA256/AES-256-GCM/zlib-chunks"
CHUNK = 64 * 1024
MIN_CHUNK, MAX_CHUNK = 16, 16 * 1024**2
_PREFIX = 8
_TAG = 16
_LEVEL = 6


def _aad(base: bytes, final: bool) -> bytes:
    return base + (b"|1" if final else b"|0")


class SealedWriter:
    """Deflates what is written to it and writes sealed chunks to `out` (see the module doc)."""

    def __init__(self, aead: AESGCM, aad: bytes, out: IO[bytes], *, chunk: int = CHUNK, prefix: bytes) -> None:
        if len(prefix) != _PREFIX:
            raise ValueError("prefix")
        self._aead, self._aad, self._out, self._chunk = aead, aad, out, chunk
        self._prefix = prefix
        self._z = zlib.compressobj(_LEVEL)
        self._buf = bytearray()
        self._i = 0
        out.write(prefix)

    def write(self, data: bytes) -> None:
        self._buf += self._z.compress(data)
        self._drain()

    def _drain(self) -> None:
        # strictly more than one chunk: the last chunk is only known as last at close()
        while len(self._buf) > self._chunk:
            self._seal(bytes(self._buf[: self._chunk]), False)
            del self._buf[: self._chunk]

    def _seal(self, plain: bytes, final: bool) -> None:
        nonce = self._prefix + self._i.to_bytes(4, "big")
        self._out.write(self._aead.encrypt(nonce, plain, _aad(self._aad, final)))
        self._i += 1
        if self._i >= 2**32:
            raise ValueError("too many chunks")

    def close(self) -> None:
        self._buf += self._z.flush()
        self._drain()
        self._seal(bytes(self._buf), True)
        self._buf.clear()


def open_chunks(
    aead: AESGCM, aad: bytes, sealed: Iterable[bytes], *, chunk: int, limit: int, what: str
) -> Iterator[bytes]:
    """The plaintext of a sealed member read as `sealed` pieces; `UserError` naming `what` on any
    forged, reordered, truncated or over-long chunk."""
    if not isinstance(chunk, int) or isinstance(chunk, bool) or not MIN_CHUNK <= chunk <= MAX_CHUNK:
        raise UserError(f"{what}: el tamaño de bloque cifrado declarado no es válido.")
    block = chunk + _TAG
    z = zlib.decompressobj()
    buf = bytearray()
    prefix: bytes | None = None
    i = 0
    total = 0

    def plain(prefix: bytes, data: bytes, final: bool) -> bytes:
        nonlocal i, total
        try:
            pt = _decrypt(aead, prefix + i.to_bytes(4, "big"), data, _aad(aad, final))
            out = z.decompress(pt, limit - total + 1)
        except zlib.error as exc:
            raise UserError(f"{what}: los datos personales comprimidos están dañados.") from exc
        i += 1
        total += len(out)
        if total > limit:
            raise UserError(f"{what}: los datos personales superan el tamaño permitido.")
        return out

    for piece in sealed:
        buf += piece
        if prefix is None:
            if len(buf) < _PREFIX:
                continue
            prefix = bytes(buf[:_PREFIX])
            del buf[:_PREFIX]
        while len(buf) > block:
            out = plain(prefix, bytes(buf[:block]), False)
            del buf[:block]
            if out:
                yield out
    if prefix is None or not _TAG <= len(buf) <= block:
        raise UserError(f"{what}: los datos personales cifrados están incompletos.")
    out = plain(prefix, bytes(buf), True)
    if not z.eof or z.unused_data:
        raise UserError(f"{what}: los datos personales cifrados están incompletos.")
    if out:
        yield out


def _decrypt(aead: AESGCM, nonce: bytes, data: bytes, aad: bytes) -> bytes:
    try:
        return aead.decrypt(nonce, data, aad)
    except (InvalidTag, ValueError) as exc:
        raise UserError(
            "Los datos personales cifrados del paquete no se pueden descifrar con la clave de esta "
            "sede central (paquete dañado o modificado, o cifrado para otra sede)."
        ) from exc


def sealed_encryption(sealer, recipient: str, *, chunk: int = CHUNK) -> dict:
    """The manifest's `encryption` entry for members written with `sealed_member`."""
    return {"scheme": SCHEME, "chunk": chunk, "recipient": recipient, "ephemeral_public": sealer.ephemeral_public}

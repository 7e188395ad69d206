"""Headquarters' private keys on a server database, protected by a passphrase (issue 11).

On a server every operator's desktop reads the keys from the shared `sync_key` table, so whoever
can read the database could otherwise sign receipts and open every package's personal data. There
the private keys are stored sealed: AES-256-GCM under a key derived from the headquarters'
passphrase with Argon2id (47104 KiB, 1 pass, 1 lane: the OWASP minimum), a fresh salt and nonce
per row, the key's kind and public key as associated data (a row copied onto the other kind, or
onto another key's public half, does not open). The sealed text lives in `private_pem`, so the
table keeps its shape and SQLite installations (whose keys stay PEM, see `keys.py`) are unchanged.

The passphrase is chosen by the operator who first needs the keys on that server (they are created
then; the GUI asks already in «Conectar a un servidor…»), typed again the first time a process
needs them (consolidation, receipts, base packages, signed actas, export of the keys) and kept in
memory only: the unlocked `KeyRing` is cached on the `Database` object. A server whose keys are
still stored in clear (made before this) is protected the first time a process unlocks them: the
operator is asked to choose a passphrase (or `rcdesk keys passphrase` does it on purpose; that
command, and «Cambiar la frase de paso de la sede…», change it later).

How the passphrase is asked is the caller's: `RCDESK_HQ_PASSPHRASE` if set, else the asker
installed with `set_asker` (the command line prompts, the GUI shows a dialog); with neither the
command is refused with a Spanish message. A wrong passphrase is asked again up to `TRIES` times,
then refused; nothing is written before the keys are open.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from rcdesk.errors import UserError
from rcdesk.security.kdf import ALG, KdfParams, derive

# cryptography is imported where a key is sealed or opened: the GUI installs its asker at start-up
# (ui/hq_passphrase.py), before anything needs a key
if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from rcdesk.sync.keyring import KeyRing

PASSPHRASE_ENV = "RCDESK_HQ_PASSPHRASE"
TRIES = 3
MIN_LENGTH = 8
SEALED_PREFIX = "rcdesk-clave-sellada"
_VERSION = "1"
_AAD = b"rcdesk-sede-clave-v1"

WRONG = "La frase de paso de la sede no es correcta."
TOO_SHORT = f"La frase de paso de la sede debe tener al menos {MIN_LENGTH} caracteres."
MISMATCH = "Las frases de paso no coinciden."


@dataclass(frozen=True)
class Request:
    """What an asker is asked for.

    `new`: choose a passphrase; the asker asks it twice and returns it only when both match and
    `problem()` accepts it (else None: the user gave up). Otherwise type the existing one; `error`
    says why the previous attempt failed, `attempt` counts from 1.
    """

    new: bool
    why: str
    error: str | None = None
    attempt: int = 1


Asker = Callable[[Request], "str | None"]
_asker: Asker | None = None


def set_asker(asker: Asker | None) -> Asker | None:
    """Install how this process asks the operator (None: only the environment variable). Returns
    the previous asker so a test or a nested caller can put it back."""
    global _asker
    previous, _asker = _asker, asker
    return previous


def problem(passphrase: str) -> str | None:
    """Why a new passphrase is refused (Spanish), None when it is acceptable."""
    if len(passphrase) < MIN_LENGTH:
        return TOO_SHORT
    return None


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED_PREFIX + ":")


# -- sealing ---------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(passphrase: bytes, params: KdfParams) -> bytes:
    # the one Argon2id of rcdesk (security/kdf.py: NFC-normalised text, parameters bounded when read)
    return derive(passphrase.decode("utf-8"), params)


def _aad(kind: str, public_b64: str) -> bytes:
    return b"|".join((_AAD, kind.encode("ascii"), public_b64.encode("ascii")))


def seal(key: Ed25519PrivateKey | X25519PrivateKey, kind: str, public_b64: str, passphrase: bytes) -> str:
    """The text stored in `sync_key.private_pem` for `key` under `passphrase`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    kdf, nonce = KdfParams.fresh(), os.urandom(12)
    sealed = AESGCM(_derive(passphrase, kdf)).encrypt(nonce, der, _aad(kind, public_b64))
    params = f"{ALG}:{kdf.memory_kib}:{kdf.iterations}:{kdf.lanes}"
    return ":".join((SEALED_PREFIX, _VERSION, params, _b64(kdf.salt), _b64(nonce), _b64(sealed)))


class WrongPassphrase(Exception):
    pass


def unseal(stored: str, kind: str, public_b64: str, passphrase: bytes) -> object:
    """The private key sealed in `stored`; WrongPassphrase when it does not open (wrong passphrase,
    or a row altered or moved); a UserError when the text is no sealed key this version reads."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        _prefix, version, algo, memory, passes, lanes, salt, nonce, sealed = stored.split(":")
        if version != _VERSION or algo != ALG:
            raise ValueError(version)
        raw = [base64.b64decode(x, validate=True) for x in (salt, nonce, sealed)]
        kdf = KdfParams(salt=raw[0], memory_kib=int(memory), iterations=int(passes), lanes=int(lanes))
        if kdf.check() is not None:  # a crafted row must not make the unlock allocate gigabytes
            raise ValueError(kdf.check())
    except ValueError as exc:
        raise UserError(
            f"La clave privada de la sede guardada en el servidor («{kind}») está dañada o la guardó una "
            "versión más reciente de rcdesk. No se ha modificado nada."
        ) from exc
    try:
        der = AESGCM(_derive(passphrase, kdf)).decrypt(raw[1], raw[2], _aad(kind, public_b64))
    except InvalidTag as exc:
        raise WrongPassphrase from exc
    return serialization.load_der_private_key(der, password=None)


# -- asking ----------------------------------------------------------------------------
def _locked(why: str) -> UserError:
    return UserError(
        f"Para {why} hace falta la frase de paso de la sede (sus claves privadas están protegidas en el "
        f"servidor). Escríbala cuando se pida o defínala en la variable {PASSPHRASE_ENV}. No se ha "
        "modificado nada."
    )


T = TypeVar("T")


def existing(why: str, opens: Callable[[bytes], T]) -> T:
    """`opens(passphrase)` with the operator's passphrase; it raises WrongPassphrase when wrong."""
    env = os.environ.get(PASSPHRASE_ENV)
    if env is not None:
        try:
            return opens(env.encode("utf-8"))
        except WrongPassphrase:
            raise UserError(
                f"La frase de paso de la variable {PASSPHRASE_ENV} no abre las claves de la sede. "
                "No se ha modificado nada."
            ) from None
    if _asker is None:
        raise _locked(why)
    error: str | None = None
    for attempt in range(1, TRIES + 1):
        typed = _asker(Request(False, why, error, attempt))
        if typed is None:
            raise _locked(why)
        try:
            return opens(typed.encode("utf-8"))
        except WrongPassphrase:
            error = WRONG
    raise UserError(f"{WRONG} Se intentó {TRIES} veces. No se ha modificado nada.")


def chosen(why: str) -> bytes:
    """A new passphrase: from the environment, else chosen by the operator (asked twice)."""
    env = os.environ.get(PASSPHRASE_ENV)
    if env is not None:
        if (p := problem(env)) is not None:
            raise UserError(f"{p} (variable {PASSPHRASE_ENV}). No se ha modificado nada.")
        return env.encode("utf-8")
    typed = _asker(Request(True, why)) if _asker is not None else None
    if typed is None:
        raise UserError(
            f"Para {why} hay que elegir la frase de paso que protegerá las claves privadas de la sede en el "
            f"servidor: escríbala (dos veces) cuando se pida o defínala en la variable {PASSPHRASE_ENV}. "
            "No se ha modificado nada."
        )
    if (p := problem(typed)) is not None:
        raise UserError(p)
    return typed.encode("utf-8")


# -- the keys of a server database ---------------------------------------------------------
def _rows(db) -> dict[str, tuple[str, str]]:
    from sqlalchemy import select

    from rcdesk.models.sync import SyncKey

    t = SyncKey.__table__
    with db.connect(write=False) as conn:
        return {
            r.kind: (r.private_pem, r.public_b64)
            for r in conn.execute(select(t.c.kind, t.c.private_pem, t.c.public_b64))
        }


def _open_all(rows: dict[str, tuple[str, str]], passphrase: bytes | None) -> KeyRing:
    """The KeyRing in `rows` (sealed ones opened with `passphrase`, clear ones read as PEM)."""
    from rcdesk.sync import keyring as keys

    def one(kind: str, check):
        stored, public = rows[kind]
        if is_sealed(stored):
            assert passphrase is not None
            key = check(unseal(stored, kind, public, passphrase))
        else:
            key = check(keys._load_pem(stored))
        if keys.b64(keys._raw_public(key)) != public:
            raise UserError(
                f"La clave privada «{kind}» de la sede no corresponde a su clave pública. No se ha modificado nada."
            )
        return key

    return keys.KeyRing(one(keys.SIGN, keys._sign_key), one(keys.ENCRYPT, keys._enc_key))


def _write(db, ring: KeyRing, passphrase: bytes, before: dict[str, tuple[str, str]]) -> bool:
    """Store `ring` sealed under `passphrase`, replacing exactly the rows read as `before` (a row
    another operator changed meanwhile is not overwritten: False, nothing written)."""
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    from rcdesk.models.sync import SyncKey
    from rcdesk.sync import keyring as keys

    t = SyncKey.__table__
    try:
        with db.begin(stamp="off") as s:
            for kind, key in ((keys.SIGN, ring.sign_key), (keys.ENCRYPT, ring.enc_key)):
                public = keys.b64(keys._raw_public(key))
                sealed = seal(key, kind, public, passphrase)
                if kind not in before:
                    s.add(SyncKey(kind=kind, private_pem=sealed, public_b64=public))
                    s.flush()
                    continue
                done = s.execute(
                    update(t)
                    .where(t.c.kind == kind, t.c.private_pem == before[kind][0])
                    .values(private_pem=sealed, public_b64=public)
                )
                if done.rowcount != 1:
                    raise _Raced
    except (_Raced, IntegrityError):
        return False
    return True


class _Raced(Exception):
    pass


RACED = "Otra persona está cambiando las claves de la sede en este momento; inténtelo de nuevo."


def unlock(db) -> KeyRing:
    """This server database's KeyRing: created (new passphrase), opened (the passphrase), or
    protected first if still stored in clear (new passphrase). See the module docstring."""
    for _ in range(TRIES):  # another operator creating or protecting the keys at the same moment
        ring = _unlock_once(db, _rows(db))
        if ring is not None:
            return ring
    raise UserError(RACED)


def _unlock_once(db, rows: dict[str, tuple[str, str]]) -> KeyRing | None:
    """One try of `unlock` on the rows as read; None when another operator wrote them meanwhile."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from rcdesk.sync import keyring as keys

    sealed = [is_sealed(stored) for stored, _ in rows.values()]
    if set(rows) != {keys.SIGN, keys.ENCRYPT}:
        if rows:  # one key of the pair only: never replace half of headquarters' identity
            raise UserError("En el servidor falta una de las dos claves privadas de la sede. No se ha modificado nada.")
        passphrase = chosen("crear las claves de la sede en el servidor")
        ring = keys.KeyRing(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    elif all(sealed):
        return existing("usar las claves de la sede", lambda pw: _open_all(rows, pw))
    elif any(sealed):  # half sealed (a write cut short): open with the passphrase, seal the rest with it
        passphrase, ring = existing("usar las claves de la sede", lambda pw: (pw, _open_all(rows, pw)))
    else:
        ring = _open_all(rows, None)
        passphrase = chosen("proteger las claves de la sede guardadas sin frase de paso en el servidor")
    return ring if _write(db, ring, passphrase, rows) else None


def replace(db, ring: KeyRing) -> None:
    """Store imported keys: sealed under the current passphrase (asked), or a new one."""
    for _ in range(TRIES):
        rows = _rows(db)
        sealed = [k for k, (stored, _) in rows.items() if is_sealed(stored)]
        if sealed:
            kind = sealed[0]

            def current(pw: bytes, kind: str = kind, rows: dict = rows) -> bytes:
                unseal(rows[kind][0], kind, rows[kind][1], pw)  # WrongPassphrase when it is not
                return pw

            passphrase = existing("reemplazar las claves de la sede", current)
        else:
            passphrase = chosen("guardar las claves importadas en el servidor")
        if _write(db, ring, passphrase, rows):
            return
    raise UserError(RACED)


def server_keys_state(profile, password: str) -> str:
    """ "none", "clear" or "sealed": headquarters' keys on the server of a connection profile
    (`rcdesk.db.server_profile.ServerProfile`), read before rcdesk opens it there, so the GUI's
    «Conectar a un servidor…» can have the passphrase chosen right away. "none" too when the server
    cannot say (a new database, no tables yet, or no connection: the keys are then made at first use)."""
    import psycopg

    try:
        with psycopg.connect(
            host=profile.host,
            port=profile.port,
            dbname=profile.database,
            user=profile.user,
            password=password or None,
            connect_timeout=10,
            application_name="rcdesk",
        ) as conn:
            if conn.execute("SELECT to_regclass('sync_key') IS NOT NULL").fetchone() != (True,):
                return "none"
            stored = [r[0] for r in conn.execute("SELECT private_pem FROM sync_key")]
    except psycopg.Error:
        return "none"
    if not stored:
        return "none"
    return "sealed" if all(is_sealed(x) for x in stored) else "clear"


def change_passphrase(db) -> None:
    """`rcdesk keys passphrase`: the current passphrase, then a new one; keys stored in clear are
    simply protected (only the new one is asked)."""
    rows = _rows(db)
    if not rows or not all(is_sealed(stored) for stored, _ in rows.values()):
        unlock(db)  # creates or protects them: that asks the new passphrase
        return
    ring = existing("cambiar la frase de paso de la sede", lambda pw: _open_all(rows, pw))
    passphrase = chosen("cambiar la frase de paso de la sede")
    if not _write(db, ring, passphrase, rows):
        raise UserError("Otra persona cambió las claves de la sede al mismo tiempo; no se cambió la frase de paso.")
    db._sync_keyring = ring

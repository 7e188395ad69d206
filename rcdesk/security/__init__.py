"""Encryption at rest (issue 16): the key file (`vault`), the keys unlocked in this process
(`unlocked`), the passphrase KDF (`kdf`), plain → encrypted conversion (`convert`) and files
encrypted with a purpose key (`files`).

Kept free of database imports so the engine factory can ask "is this file encrypted, and is its
key known?" without a cycle.
"""

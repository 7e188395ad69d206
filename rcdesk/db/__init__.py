"""Storage: engine, migrations, stamping, backups."""

# Shared by the SQLAlchemy engine and the plain sqlite3 readers.
BUSY_TIMEOUT_MS = 10_000

"""Files every node can read: checkpoints and uploads kept in a server store, by content hash.

A ref names a blob and the file name it had: "blob:<sha256>/<name>". Readers on any machine turn
a ref back into a local file through `core.runs.files.local_file` (a cache folder per node).
"""
from __future__ import annotations

import hashlib
import time

import sqlalchemy as sa

from core.runs._resilient import resilient_methods
from core.runs._schema import blobs_t

BLOB_PREFIX = "blob:"


@resilient_methods
class BlobMixin:
    """The blob methods of SqlRunStore (the store's engine and retries come from it)."""

    engine: sa.Engine

    @property
    def shares_files(self) -> bool:
        """True when files must travel through the store (a server store), False for SQLite."""
        return self.engine.dialect.name != "sqlite"

    def put_blob(self, data: bytes) -> str:
        """Store `data` once (by SHA-256) and return its hash."""
        digest = hashlib.sha256(data).hexdigest()
        try:
            with self.engine.begin() as conn:
                if conn.execute(sa.select(blobs_t.c.sha256).where(blobs_t.c.sha256 == digest)
                                ).first() is None:
                    conn.execute(blobs_t.insert().values(sha256=digest, size=len(data),
                                                         created_at=time.time(), data=data))
        except sa.exc.IntegrityError:
            pass  # another process stored the same bytes at the same moment
        return digest

    def get_blob(self, digest: str) -> bytes | None:
        with self.engine.begin() as conn:
            value = conn.execute(sa.select(blobs_t.c.data).where(blobs_t.c.sha256 == digest)
                                 ).scalar()
        return None if value is None else bytes(value)

"""Files every node can read: the one API for checkpoints and uploads that workers elsewhere need.

SQLite store (one machine): files stay where they are written, under LAYERLAB_HOME, and a ref is
the plain path, as before. Server store (PostgreSQL, several machines): the bytes go into the
store's `blobs` table and the ref is "blob:<sha256>/<name>"; any node turns a ref back into a
local file with `local_file`, which fills a per-node cache folder (LAYERLAB_HOME/cache/blobs)
once and verifies the hash. (The other option, a shared folder every node mounts, needs no code:
point LAYERLAB_HOME at the same NFS path on every node; see README "Run on a cluster".)
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from core import settings
from core.errors import LayerLabError
from core.runs._blobs import BLOB_PREFIX
from core.runs.messages import NO_SUCH_BLOB


def share_file(store, path: str | Path) -> str:
    """The ref other nodes can read `path` by: the path itself (SQLite), or a blob ref."""
    path = Path(path)
    if not getattr(store, "shares_files", False):
        return str(path)
    digest = store.put_blob(path.read_bytes())
    return f"{BLOB_PREFIX}{digest}/{path.name}"


def is_blob_ref(ref: str | Path | None) -> bool:
    return isinstance(ref, str) and ref.startswith(BLOB_PREFIX)


def local_file(ref: str | Path, store=None) -> Path:
    """A local file with the ref's bytes (plain paths come back unchanged)."""
    if not is_blob_ref(ref):
        return Path(ref)
    digest, _, name = ref[len(BLOB_PREFIX):].partition("/")
    cached = _cache_dir() / f"{digest}-{Path(name).name}"
    if cached.is_file():
        return cached
    if store is None:
        from core.runs import open_store

        store = open_store()
    data = store.get_blob(digest)
    if data is None or hashlib.sha256(data).hexdigest() != digest:
        raise LayerLabError(NO_SUCH_BLOB.format(ref=ref))
    tmp = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(cached)  # atomic: a concurrent reader never sees half a file
    return cached


def _cache_dir() -> Path:
    path = settings.home() / "cache" / "blobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _current_store():
    """The store this process is configured for now (LAYERLAB_STORE_URL), when it shares files."""
    from core.runs import open_store

    store = open_store()
    return store if store.shares_files else None


def _put_upload(data: bytes) -> None:
    store = _current_store()
    if store is not None:
        store.put_blob(data)


def _get_upload(digest: str) -> bytes | None:
    store = _current_store()
    return None if store is None else store.get_blob(digest)


def register_upload_sharing() -> None:
    """Keep uploads in the server store too. core.data sits below core.runs and cannot import
    it, so the store hands core.data two functions (put the canonical bytes; get them back by
    hash); they look up the configured store at each call, so a process (or a test) that moves
    to another store never writes to the old one. Installed by `open_store` once a server store
    is opened: SQLite-only processes never import core.data here."""
    from core.data import set_shared_uploads

    set_shared_uploads(_put_upload, _get_upload)

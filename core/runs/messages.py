"""Messages of the run store that people read, as named templates (tests import these)."""
from __future__ import annotations

NO_SUCH_RUN = "There is no run '{run_id}'. Pick one from the runs list (`python -m core runs`)."
UNKNOWN_STATUS = "Unknown run status {status!r}; expected one of {expected}."
UNKNOWN_FIELDS = "Run fields {unknown} do not exist; known: {known}."
SCHEMA_TOO_NEW = ("The run store {url} was written by a newer LayerLab (schema {found}; this "
                  "version knows up to {head}). Upgrade LayerLab, or point LAYERLAB_HOME at "
                  "another folder.")

# --- a server store (PostgreSQL) that cannot be used; the setting is named so people know where
# to look. Passwords never appear: URLs are rendered with the password masked.
STORE_BAD_URL = ("LAYERLAB_STORE_URL is not a database URL LayerLab can use ({reason}). Expected "
                 "e.g. postgresql+psycopg://user:password@host:5432/layerlab, or unset it to keep "
                 "runs in the SQLite file in LAYERLAB_HOME. Runs cannot be stored until it is fixed.")
STORE_UNREACHABLE = ("The run store at {where} (LAYERLAB_STORE_URL) does not answer: {reason}. "
                     "Check that PostgreSQL is running on that host and port and accepts "
                     "connections from this machine. Runs cannot be stored until it answers.")
STORE_LOGIN_FAILED = ("The run store at {where} (LAYERLAB_STORE_URL) refused the login: {reason}. "
                      "Check the user name, password and database name in LAYERLAB_STORE_URL. "
                      "Runs cannot be stored until it accepts them.")
# Shown by pages while a store that worked stops answering (a restart, a network blip); the
# pages poll, so they recover by themselves once it is back.
STORE_RETRYING = "The run store is unreachable; retrying… ({reason})"
NO_SUCH_BLOB = ("The shared file {ref} is not in the run store. It was removed or written to "
                "another store; train the run (or upload the CSV) again.")

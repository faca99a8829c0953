"""Messages of the run store that people read, as named templates (tests import these)."""
from __future__ import annotations

NO_SUCH_RUN = "There is no run '{run_id}'. Pick one from the runs list (`python -m core runs`)."
UNKNOWN_STATUS = "Unknown run status {status!r}; expected one of {expected}."
UNKNOWN_FIELDS = "Run fields {unknown} do not exist; known: {known}."
SCHEMA_TOO_NEW = ("The run store {url} was written by a newer LayerLab (schema {found}; this "
                  "version knows up to {head}). Upgrade LayerLab, or point LAYERLAB_HOME at "
                  "another folder.")

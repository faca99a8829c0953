"""Send `core.*` log records of the training thread to the run's log in the store."""
from __future__ import annotations

import logging
import threading


class RunLogHandler(logging.Handler):
    def __init__(self, store, run_id: str, level: int = logging.INFO):
        super().__init__(level)
        self.store, self.run_id = store, run_id
        self.thread = threading.get_ident()
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        self._logger = logging.getLogger("core")

    def emit(self, record: logging.LogRecord) -> None:
        # The store's own notes ("unreachable; retry 2 of 7") cannot go into the store that is
        # down; writing them would retry inside the retry. They stay in the worker's log file.
        if record.thread != self.thread or record.name.startswith("core.runs"):
            return
        try:
            self.store.log(self.run_id, record.levelname, self.format(record))
        except Exception:  # noqa: BLE001 - logging must never break training
            self.handleError(record)

    def __enter__(self) -> "RunLogHandler":
        self._old_level = self._logger.level
        if self._logger.getEffectiveLevel() > logging.INFO:
            self._logger.setLevel(logging.INFO)
        self._logger.addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        self._logger.removeHandler(self)
        self._logger.setLevel(self._old_level)

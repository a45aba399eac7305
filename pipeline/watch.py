"""Hot folder: process files dropped into the inbox once they have stopped growing.

Polling rather than inotify: it works the same on network shares, where clerks'
scanners often write. A file is ready when its size and modification time have not
changed for ``settle`` seconds, so a file still being copied is never read. Each
batch refreshes the tables; the batch itself skips documents already current.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .batch import BatchResult, Models, run_batch
from .config import Config
from .ingest import discover

log = logging.getLogger(__name__)


@dataclass
class FolderState:
    """What the watcher knows of the inbox: each file's signature, since when, and what was processed."""

    seen: dict[Path, tuple[tuple[int, int], float]] = field(default_factory=dict)  # signature, first seen
    done: dict[Path, tuple[int, int]] = field(default_factory=dict)  # signature when processed

    def ready(self, paths: list[Path], now: float, settle: float) -> list[Path]:
        """Files new or changed since processed whose signature has held for ``settle`` seconds."""
        current: dict[Path, tuple[tuple[int, int], float]] = {}
        ready = []
        for path in paths:
            try:
                stat = path.stat()
            except OSError:  # removed between listing and stat
                continue
            signature = (stat.st_size, stat.st_mtime_ns)
            held = self.seen.get(path)
            since = held[1] if held and held[0] == signature else now
            current[path] = (signature, since)
            if self.done.get(path) != signature and now - since >= settle:
                ready.append(path)
        self.seen = current
        self.done = {p: s for p, s in self.done.items() if p in current}
        return ready

    def mark_done(self, paths: list[Path]) -> None:
        for path in paths:
            if path in self.seen:
                self.done[path] = self.seen[path][0]


def watch(
    config: Config,
    interval: float = 1.0,
    settle: float = 2.0,
    stop: threading.Event | None = None,
) -> list[BatchResult]:
    """Process the inbox as files arrive until ``stop`` is set (or Ctrl-C); return the batches run."""
    stop = stop or threading.Event()
    state = FolderState()
    models = Models(config)
    results: list[BatchResult] = []
    log.info("watching %s → %s (files settle for %.0f s); Ctrl-C to stop", config.inbox, config.out, settle)
    while not stop.is_set():
        try:
            ready = state.ready(discover(config), time.monotonic(), settle)
        except FileNotFoundError:  # a network share that went away: wait for it to come back
            log.warning("inbox %s not reachable; retrying", config.inbox)
            ready = []
        if ready:
            log.info("%d new or changed file(s)", len(ready))
            result = run_batch(config, ready, models)
            state.mark_done(ready)
            results.append(result)
            log.info(
                "%d processed, %d already current, %d failed", len(result.processed), len(result.skipped),
                len(result.failed),
            )
        stop.wait(interval)
    return results

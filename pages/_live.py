"""A limit on how many visitors may train a model live at the same time.

Every Streamlit session runs in a thread of one server process on a couple of CPU cores, so
live training must not starve the other visitors. Pages wrap their training in
``training_slot``; when all slots are taken the visitor waits up to ``QUEUE_SECONDS`` (the page
says it is waiting), then gets a sentence to show instead of an endless queue::

    from pages._live import Busy, training_slot
    try:
        with training_slot():
            history = fit(...)
    except Busy as busy:
        st.warning(str(busy))

``torch.set_num_threads`` is process-global, so it is never changed per session: the limit is
on concurrent trainings, not on threads. Creating the module-level limiter is the only thing
importing this module does (no threads, no I/O).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

from pages._server import return_freed_memory

MAX_CONCURRENT_TRAININGS = 2
# How long a visitor waits for a free slot before hearing "busy": live trainings are short, so a queue of a
# few seconds turns most "busy" answers into a short wait (docs/DEPLOY.md has the measurements).
QUEUE_SECONDS = 10.0


class Busy(RuntimeError):
    """All training slots are taken; the message is a sentence for the visitor."""


class SlotLimiter:
    """At most ``capacity`` holders at once (a bounded semaphore that counts its holders)."""

    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._semaphore = threading.BoundedSemaphore(capacity)
        self._lock = threading.Lock()
        self._in_use = 0

    @property
    def in_use(self) -> int:
        """How many slots are held right now (for display; may change the moment after)."""
        with self._lock:
            return self._in_use

    @contextmanager
    def slot(self, timeout: float = 0.0) -> Iterator[None]:
        """Hold one slot for the ``with`` block; raise ``Busy`` if none frees up within ``timeout`` s."""
        if not self._semaphore.acquire(timeout=max(timeout, 0.0)):
            raise Busy(f"The server is busy: it is already training {self.capacity} models for other visitors, "
                       "its limit. Please try again in a moment.")
        with self._lock:
            self._in_use += 1
        try:
            yield
        finally:
            with self._lock:
                self._in_use -= 1
            self._semaphore.release()
            return_freed_memory()       # the training's temporaries, freed in its thread's malloc arena


LIVE_TRAINING = SlotLimiter(MAX_CONCURRENT_TRAININGS)


def training_slot(timeout: float | None = None):
    """One of the server-wide live-training slots, waiting up to ``timeout`` s (default ``QUEUE_SECONDS``)."""
    return LIVE_TRAINING.slot(QUEUE_SECONDS if timeout is None else timeout)


# A live training's progress is drawn at most this often: each drawing (a plotly figure above all) runs under the
# GIL every visitor shares; drawing every 40th step took 18 % of the server's CPU under a class of 40.
DRAW_SECONDS = 0.25


def draw_now(seconds: float = DRAW_SECONDS) -> Callable[[int, int], bool]:
    """A predicate for a training's ``on_step(step, total, ...)``: True at the first and the last step, and
    otherwise at most once every ``seconds``."""
    last = [float("-inf")]

    def due(step: int, total: int) -> bool:
        if step in (1, total) or time.monotonic() - last[0] >= seconds:
            last[0] = time.monotonic()
            return True
        return False
    return due

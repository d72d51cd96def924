"""Real media for the tests: short clips made with ffmpeg and a PDF made with pypdf."""

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfWriter

from lectio.assets.media import ffmpeg_binary


def make_clip(path: Path, *, seconds: float, size: str = "640x360", audio: bool = True) -> Path:
    command = [
        ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}",
    ]  # fmt: skip
    if audio:
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    command += (["-c:a", "aac", "-shortest"] if audio else []) + [str(path)]
    subprocess.run(command, check=True)
    return path


@pytest.fixture(scope="session")
def clip(tmp_path_factory) -> Path:
    """Six seconds of 640x360 test picture with a tone."""
    return make_clip(tmp_path_factory.mktemp("media") / "clip.mp4", seconds=6)


@pytest.fixture(scope="session")
def silent_clip(tmp_path_factory) -> Path:
    return make_clip(
        tmp_path_factory.mktemp("media") / "silent.mp4", seconds=2, size="320x240", audio=False
    )


@pytest.fixture(scope="session")
def pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("media") / "handbook.pdf"
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)
    return path

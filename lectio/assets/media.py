"""Probing and transcoding with FFmpeg.

Probing opens the file with PyAV (FFmpeg's libraries), so a file is judged by its content,
not its name. Transcoding runs the ffmpeg program — ``settings.LECTIO_FFMPEG``, else the
one shipped in the imageio-ffmpeg wheel — once per video, writing an HLS ladder
(H.264/AAC, 4-second segments), an MP4 fallback and a poster.
"""

import math
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import av
from django.conf import settings
from django.utils.translation import gettext as _

SEGMENT_SECONDS = 4
# Rendition heights and video bit rates (bits/s), chosen by the source's height.
LADDER = [(360, 800_000), (720, 2_800_000), (1080, 5_000_000)]
MP4_HEIGHT = 720
AUDIO_BITRATE = 128_000
# Codecs of still images: a single picture is not a video.
IMAGE_CODECS = {"png", "mjpeg", "bmp", "gif", "webp", "tiff", "jpeg2000", "ppm", "pgm"}


class MediaError(Exception):
    """A file that cannot be used, with a message for the person who uploaded it."""


@dataclass
class Probe:
    duration: float
    width: int
    height: int
    video_codec: str
    audio_codec: str | None
    frame_rate: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "duration": self.duration,
            "width": self.width,
            "height": self.height,
            "video_codec": self.video_codec,
            "audio_codec": self.audio_codec,
            "frame_rate": self.frame_rate,
        }


def ffmpeg_binary() -> str:
    if configured := settings.LECTIO_FFMPEG:
        return str(configured)
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def probe_video(path: Path) -> Probe:
    """What a video file holds; MediaError if it is not a playable video."""
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise MediaError(
            _("This file is not a video (its content could not be read as one).")
        ) from exc
    with container:
        videos = [s for s in container.streams.video if s.codec_context.name not in IMAGE_CODECS]
        if not videos:
            raise MediaError(_("This file has no video picture in it."))
        video = videos[0]
        duration = None
        if container.duration:
            duration = container.duration / av.time_base
        elif video.duration and video.time_base:
            duration = float(video.duration * video.time_base)
        if not duration or duration < 0.5:
            raise MediaError(_("The video is too short or its length cannot be read."))
        width, height = video.codec_context.width, video.codec_context.height
        if not width or not height:
            raise MediaError(_("The video's picture size cannot be read; the file may be damaged."))
        audio = next(iter(container.streams.audio), None)
        rate = float(video.average_rate) if video.average_rate else None
        return Probe(
            duration=round(duration, 3),
            width=width,
            height=height,
            video_codec=video.codec_context.name,
            audio_codec=audio.codec_context.name if audio else None,
            frame_rate=rate,
        )


def ladder_for(height: int) -> list[tuple[int, int]]:
    """The renditions for a source of this height: never upscaled, at least one."""
    chosen = [(h, rate) for h, rate in LADDER if h <= height]
    if not chosen:
        even = height - height % 2
        chosen = [(even, LADDER[0][1] * even // LADDER[0][0])]
    return chosen


@dataclass
class TranscodeResult:
    renditions: list[dict[str, int | str]] = field(default_factory=list)


def transcode(
    source: Path, out: Path, info: Probe, on_progress: Callable[[int], None] | None = None
) -> TranscodeResult:
    """Write ``out/hls/master.m3u8`` (+ one folder per rendition), ``out/video.mp4`` and
    ``out/poster.jpg``."""
    ladder = ladder_for(info.height)
    mp4_height = min(MP4_HEIGHT, ladder[-1][0])
    (out / "hls").mkdir(parents=True, exist_ok=True)
    splits = len(ladder) + 1
    graph = f"[0:v]split={splits}" + "".join(f"[s{i}]" for i in range(splits)) + ";"
    graph += ";".join(f"[s{i}]scale=-2:{h}[v{i}]" for i, (h, _rate) in enumerate(ladder))
    graph += f";[s{len(ladder)}]scale=-2:{mp4_height}[vmp4]"
    has_audio = info.audio_codec is not None
    video_codec = [
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-pix_fmt", "yuv420p",
        "-sc_threshold", "0", "-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT_SECONDS})",
    ]  # fmt: skip
    audio_codec = ["-c:a", "aac", "-b:a", str(AUDIO_BITRATE), "-ac", "2"] if has_audio else []
    command = [
        ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-i", str(source), "-filter_complex", graph, "-progress", "pipe:1", "-nostats",
    ]  # fmt: skip
    stream_map = []
    for i, (h, rate) in enumerate(ladder):
        command += ["-map", f"[v{i}]"] + (["-map", "0:a:0"] if has_audio else [])
        command += [f"-b:v:{i}", str(rate), f"-maxrate:v:{i}", str(rate * 3 // 2)]
        command += [f"-bufsize:v:{i}", str(rate * 2)]
        stream_map.append(f"v:{i}" + (f",a:{i}" if has_audio else "") + f",name:{h}p")
    command += video_codec + audio_codec
    command += [
        "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
        "-hls_flags", "independent_segments",
        "-hls_segment_filename", str(out / "hls" / "%v" / "seg_%05d.ts"),
        "-master_pl_name", "master.m3u8", "-var_stream_map", " ".join(stream_map),
        str(out / "hls" / "%v" / "index.m3u8"),
    ]  # fmt: skip
    command += ["-map", "[vmp4]"] + (["-map", "0:a:0"] if has_audio else [])
    command += [*video_codec, "-crf", "23", *audio_codec, "-movflags", "+faststart"]
    command += [str(out / "video.mp4")]
    _run(command, info.duration, on_progress)
    poster_at = min(2.0, info.duration / 3)
    poster = [
        ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-ss", f"{poster_at:.2f}", "-i", str(source), "-frames:v", "1",
        "-vf", f"scale=-2:{mp4_height}", "-q:v", "3", str(out / "poster.jpg"),
    ]  # fmt: skip
    _run(poster, None, None)
    return TranscodeResult(
        renditions=[
            {"height": h, "bandwidth": rate + (AUDIO_BITRATE if has_audio else 0), "name": f"{h}p"}
            for h, rate in ladder
        ]
    )


def _run(
    command: list[str], duration: float | None, on_progress: Callable[[int], None] | None
) -> None:
    timeout = max(600.0, (duration or 0) * 30)
    process = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    last = -1
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if on_progress and duration and line.startswith("out_time_us="):
                value = line.split("=", 1)[1].strip()
                if value.isdigit():
                    percent = min(99, math.floor(int(value) / 1_000_000 / duration * 100))
                    if percent > last:
                        last = percent
                        on_progress(percent)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        raise MediaError(_("Processing took too long and was stopped.")) from exc
    finally:
        stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        reason = " ".join(stderr.strip().splitlines()[-3:]) or f"exit code {process.returncode}"
        raise MediaError(_("FFmpeg could not convert this video: %(reason)s") % {"reason": reason})

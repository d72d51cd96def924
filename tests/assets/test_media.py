import re
from pathlib import Path

import pytest

from lectio.assets import documents, media


def test_it_probes_a_video_by_its_content(clip, tmp_path):
    renamed = tmp_path / "lecture.txt"  # the name does not matter, the content does
    renamed.write_bytes(clip.read_bytes())
    info = media.probe_video(renamed)
    assert (info.width, info.height, info.video_codec, info.audio_codec) == (
        640,
        360,
        "h264",
        "aac",
    )
    assert info.duration == pytest.approx(6, abs=0.1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text\n" * 100, "not a video"),
        (b"%PDF-1.4\n%%EOF\n", "not a video"),
        (b"", "not a video"),
    ],
)
def test_it_refuses_what_is_not_a_video(tmp_path, content, message):
    path = tmp_path / "movie.mp4"
    path.write_bytes(content)
    with pytest.raises(media.MediaError, match=message):
        media.probe_video(path)


def test_a_still_image_is_not_a_video(tmp_path):
    import subprocess

    image = tmp_path / "photo.png"
    subprocess.run(
        [
            media.ffmpeg_binary(),
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x64",
            "-frames:v",
            "1",
            str(image),
        ],
        check=True,
    )
    with pytest.raises(media.MediaError):
        media.probe_video(image)


def test_a_truncated_video_is_refused(clip, tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(clip.read_bytes()[: clip.stat().st_size // 3])
    with pytest.raises(media.MediaError):
        media.probe_video(broken)


@pytest.mark.parametrize(
    ("height", "ladder"),
    [
        (2160, [360, 720, 1080]),
        (1080, [360, 720, 1080]),
        (720, [360, 720]),
        (480, [360]),
        (241, [240]),
    ],
)
def test_renditions_follow_the_source_height_and_never_upscale(height, ladder):
    assert [h for h, _rate in media.ladder_for(height)] == ladder


def _playlist(path: Path) -> list[tuple[float, str]]:
    text = path.read_text()
    assert text.startswith("#EXTM3U")
    assert "#EXT-X-ENDLIST" in text
    return [(float(d), uri) for d, uri in re.findall(r"#EXTINF:([\d.]+),\s*\n(\S+)", text)]


def test_it_transcodes_a_playable_hls_ladder_an_mp4_and_a_poster(clip, tmp_path):
    info = media.probe_video(clip)
    seen: list[int] = []
    result = media.transcode(clip, tmp_path / "out", info, seen.append)
    assert [r["name"] for r in result.renditions] == ["360p"]
    master = (tmp_path / "out/hls/master.m3u8").read_text()
    assert "RESOLUTION=640x360" in master and "360p/index.m3u8" in master
    segments = _playlist(tmp_path / "out/hls/360p/index.m3u8")
    assert sum(d for d, _uri in segments) == pytest.approx(6, abs=0.2)
    assert max(d for d, _uri in segments) <= media.SEGMENT_SECONDS + 0.1
    for _duration, uri in segments:
        assert (tmp_path / "out/hls/360p" / uri).stat().st_size > 0
    assert media.probe_video(tmp_path / "out/video.mp4").height == 360
    assert (tmp_path / "out/poster.jpg").read_bytes()[:2] == b"\xff\xd8"  # JPEG
    assert seen == sorted(seen) and seen[-1] >= 50


def test_a_video_without_sound_transcodes_too(silent_clip, tmp_path):
    info = media.probe_video(silent_clip)
    assert info.audio_codec is None
    result = media.transcode(silent_clip, tmp_path / "out", info)
    assert result.renditions[0]["height"] == 240
    assert _playlist(tmp_path / "out/hls/240p/index.m3u8")


def test_it_counts_the_pages_of_a_pdf(pdf):
    assert documents.check_pdf(pdf) == {"page_count": 3}


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"PK\x03\x04 a zip", "not a PDF"), (b"%PDF-1.7\ngarbage", "cannot be read")],
)
def test_it_refuses_a_bad_pdf(tmp_path, content, message):
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    with pytest.raises(media.MediaError, match=message):
        documents.check_pdf(path)


def test_without_libreoffice_a_powerpoint_file_gets_advice_to_export_a_pdf(
    tmp_path, monkeypatch, settings
):
    import zipfile

    settings.LECTIO_SOFFICE = ""
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice to be found

    deck = tmp_path / "deck.pptx"
    with zipfile.ZipFile(deck, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    with pytest.raises(media.MediaError, match="Export it as PDF"):
        documents.check_pdf(deck)

"""Demo media: for each demo course, a generated video with chapters and English and
Turkish captions, a PDF handbook and a slide deck — ingested like any upload, processed
by the worker, and published as the course's next version once ready (the server is
usable meanwhile; version 1 of each course, the text pages, is live at once)."""

import os
import subprocess
import tempfile
from pathlib import Path
from typing import TextIO

import reportlab
from django.conf import settings

from lectio.accounts.models import User
from lectio.assets import media, services
from lectio.catalog import services as catalog
from lectio.catalog.models import Course, Lesson
from lectio.catalog.tasks import publish_when_ready

# Course title: (video title, chapters [(share of the length, English, Turkish)], colour, tone)
VideoSpec = tuple[str, list[tuple[float, str, str]], str, int]
VIDEOS: dict[str, VideoSpec] = {
    "Information Security Awareness": (
        "Phishing in two minutes",
        [
            (0, "Why attackers love e-mail", "Saldırganlar neden e-postayı sever"),
            (0.35, "Five warning signs", "Beş uyarı işareti"),
            (0.7, "Report, don't reply", "Yanıtlamayın, bildirin"),
        ],
        "0x1f4fbf",
        440,
    ),
    "Workplace Health and Safety": (
        "Walking the floor safely",
        [
            (0, "Housekeeping", "Düzen ve temizlik"),
            (0.4, "Forklift zones", "Forklift alanları"),
            (0.75, "When the alarm sounds", "Alarm çaldığında"),
        ],
        "0x19633a",
        523,
    ),
    "New Joiner Onboarding": (
        "Welcome from the leadership team",
        [(0, "Who we are", "Biz kimiz"), (0.5, "How we work together", "Birlikte nasıl çalışırız")],
        "0x7a4d00",
        392,
    ),
}


def populate(out: TextIO) -> None:
    instructor = User.objects.get(email="instructor@example.com")
    seconds = int(os.environ.get("LECTIO_DEMO_VIDEO_SECONDS", "45"))
    added = 0
    for title, spec in VIDEOS.items():
        course = Course.objects.filter(title=title).first()
        if course is None or Lesson.objects.filter(course=course, kind="video").exists():
            continue
        with tempfile.TemporaryDirectory(prefix="lectio-demo-") as tmp:
            _add_media(course, instructor, spec, seconds, Path(tmp))
        publish_when_ready.enqueue(course.pk, instructor.pk, "Video, handbook and slides")
        added += 1
    if added:
        out.write(
            f"Media: {added} videos, handbooks and slide decks queued; the worker processes "
            "them and publishes each course's next version when ready.\n"
        )


def _add_media(course: Course, by: User, spec: VideoSpec, seconds: int, work: Path) -> None:
    video_title, chapters, colour, tone = spec
    module = course.modules.order_by("position").first()
    assert module is not None
    video = catalog.add_lesson(module, title=video_title, kind_name="video")
    path = _make_video(work / "video.mp4", video_title, colour, tone, seconds)
    asset = services.ingest_file(
        course=course, lesson=video, kind="video", path=path, name=f"{video_title}.mp4", by=by
    )
    marks = [(round(at * seconds), en, tr) for at, en, tr in chapters]
    catalog.update_lesson(
        video, content={"chapters": [{"t": t, "title": en} for t, en, _tr in marks]}
    )
    for language, column in (("en", 1), ("tr", 2)):
        services.set_caption(
            asset, language=language, data=_captions(marks, column, seconds).encode()
        )

    handbook = catalog.add_lesson(module, title=f"{course.title}: handbook", kind_name="document")
    services.ingest_file(
        course=course,
        lesson=handbook,
        kind="document",
        path=_make_handbook(work / "handbook.pdf", course),
        name="handbook.pdf",
        by=by,
    )
    slides = catalog.add_lesson(module, title="Key points (slides)", kind_name="presentation")
    services.ingest_file(
        course=course,
        lesson=slides,
        kind="document",
        path=_make_slides(work / "slides.pdf", course, marks),
        name="slides.pdf",
        by=by,
    )


def _make_video(path: Path, title: str, colour: str, tone: int, seconds: int) -> Path:
    font = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"  # shipped with reportlab
    text = title.replace(":", "\\:").replace("'", "")
    picture = (
        f"drawtext=fontfile={font}:text='{text}':fontcolor=white:fontsize=56:x=(w-tw)/2:y=h/3,"
        f"drawtext=fontfile={font}:text='%{{pts\\:hms}}':fontcolor=white:fontsize=40:x=(w-tw)/2:y=h/2"
    )
    command = [
        media.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"color=c={colour}:size=1280x720:rate=25:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency={tone}:duration={seconds}",
        "-vf", picture, "-af", "volume=0.05",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", str(path),
    ]  # fmt: skip
    subprocess.run(command, check=True)  # noqa: S603 - our own arguments
    return path


def _captions(marks: list[tuple[int, str, str]], column: int, seconds: int) -> str:
    lines = ["WEBVTT", ""]
    for index, mark in enumerate(marks):
        start = mark[0]
        end = marks[index + 1][0] if index + 1 < len(marks) else seconds
        lines += [f"{_stamp(start)} --> {_stamp(max(start + 1, end - 0.5))}", str(mark[column]), ""]
    return "\n".join(lines)


def _stamp(value: float) -> str:
    minutes, rest = divmod(value, 60)
    return f"00:{int(minutes):02}:{rest:06.3f}"


def _make_handbook(path: Path, course: Course) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    _width, height = A4
    outline = course.live_version.outline if course.live_version else {"modules": []}
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawString(60, height - 100, course.title)
    pdf.setFont("Helvetica", 12)
    pdf.drawString(60, height - 130, f"{settings.SITE_NAME} handbook - keep it for reference.")
    pdf.showPage()
    for module in outline["modules"]:
        pdf.setFont("Helvetica-Bold", 18)
        pdf.drawString(60, height - 90, module["title"])
        pdf.setFont("Helvetica", 12)
        y = height - 130
        for lesson in module["lessons"]:
            pdf.drawString(72, y, f"- {lesson['title']}")
            y -= 22
        pdf.showPage()
    pdf.save()
    return path


def _make_slides(path: Path, course: Course, marks: list[tuple[int, str, str]]) -> Path:
    from reportlab.lib.pagesizes import landscape
    from reportlab.pdfgen import canvas

    size = landscape((540, 960))
    pdf = canvas.Canvas(str(path), pagesize=size)
    for title in [course.title, *(en for _t, en, _tr in marks), "Questions?"]:
        pdf.setFillColorRGB(0.12, 0.31, 0.75)
        pdf.rect(0, 0, size[0], size[1], fill=1, stroke=0)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.setFont("Helvetica-Bold", 40)
        pdf.drawCentredString(size[0] / 2, size[1] / 2, title)
        pdf.showPage()
    pdf.save()
    return path

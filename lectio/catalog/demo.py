"""Demo courses: three published courses of text pages (the assessments demo adds a quiz
to each), and
the "Compliance Essentials" programme made of them.

Videos, the PDF handbook and the slide deck arrive with the media pipeline (assets)."""

from typing import Any, TextIO

from lectio.accounts.models import User
from lectio.catalog import paths, services
from lectio.catalog.models import Course, LearningPath

COURSES: list[dict[str, Any]] = [
    {
        "title": "Information Security Awareness",
        "summary": "Recognise phishing, protect passwords and report incidents: required every year.",
        "tr": (
            "Bilgi Güvenliği Farkındalığı",
            "Oltalama e-postalarını tanıyın, parolaları koruyun, olayları bildirin: her yıl zorunlu.",
        ),
        "tags": ["security", "compliance", "mandatory"],
        "estimated_minutes": 35,
        "access_days": 365,
        "valid_months": 12,
        "sequential": True,
        "modules": [
            (
                "Why it matters",
                [
                    (
                        "The threats we face",
                        "<p>Most breaches start with a person, not a machine: a convincing e-mail, a reused password, an unlocked screen.</p><ul><li>Phishing and its variants</li><li>Stolen credentials</li><li>Lost devices</li></ul>",
                    ),
                    (
                        "Our security policy",
                        '<h2>What the policy asks of you</h2><p>Use the password manager, lock your screen, keep company data on company systems, and report anything unusual to <a href="mailto:security@example.com">security@example.com</a>.</p>',
                    ),
                ],
            ),
            (
                "Everyday habits",
                [
                    (
                        "Spotting phishing",
                        "<p>Check the sender's address, hover before you click, and be wary of urgency. When in doubt, report it.</p>",
                    ),
                    (
                        "Passwords and multi-factor sign-in",
                        "<p>Long passphrases, a different one for every service, and a second factor wherever it is offered.</p>",
                    ),
                ],
            ),
        ],
    },
    {
        "title": "Workplace Health and Safety",
        "summary": "Hazards, emergency procedures and first aid for every site.",
        "tr": (
            "İş Sağlığı ve Güvenliği",
            "Her tesis için tehlikeler, acil durum prosedürleri ve ilk yardım.",
        ),
        "tags": ["safety", "mandatory"],
        "estimated_minutes": 40,
        "access_days": 180,
        "sequential": False,
        "modules": [
            (
                "Hazards",
                [
                    (
                        "Spotting hazards",
                        "<p>Slips, trips and falls cause a third of workplace injuries. Keep walkways clear and report spills at once.</p>",
                    ),
                    (
                        "Manual handling",
                        "<p>Bend your knees, keep the load close, and ask for help with anything over 25 kg.</p>",
                    ),
                ],
            ),
            (
                "Emergencies",
                [
                    (
                        "Fire and evacuation",
                        "<p>Know your two nearest exits and your assembly point. Never use the lifts in a fire.</p>",
                    ),
                ],
            ),
        ],
    },
    {
        "title": "New Joiner Onboarding",
        "summary": "Everything you need in your first week at Meridian Group.",
        "tr": (
            "Yeni Çalışan Oryantasyonu",
            "Meridian Group'taki ilk haftanızda ihtiyacınız olan her şey.",
        ),
        "tags": ["onboarding"],
        "estimated_minutes": 25,
        "access_days": 90,
        "sequential": False,
        "modules": [
            (
                "Welcome",
                [
                    (
                        "Who we are",
                        "<p>Meridian Group runs logistics and support operations in Istanbul, Ankara, Berlin, Chicago and London.</p>",
                    ),
                    (
                        "Your first week",
                        "<ol><li>Meet your manager and team</li><li>Set up your accounts</li><li>Complete your mandatory training</li></ol>",
                    ),
                ],
            ),
        ],
    },
]


def populate(out: TextIO) -> None:
    instructor = User.objects.get(email="instructor@example.com")
    created = 0
    for spec in COURSES:
        if Course.objects.filter(title=spec["title"]).exists():
            continue
        course = services.create_course(
            title=spec["title"],
            by=instructor,
            summary=spec["summary"],
            tags=spec["tags"],
            estimated_minutes=spec["estimated_minutes"],
            access_days=spec["access_days"],
            sequential=spec["sequential"],
            valid_months=spec.get("valid_months"),
            description=f"<p>{spec['summary']}</p>",
        )
        title_tr, summary_tr = spec["tr"]
        services.set_course_variants(course, {"tr": {"title": title_tr, "summary": summary_tr}})
        for module_title, pages in spec["modules"]:
            module = services.add_module(course, title=module_title)
            for title, body in pages:
                lesson = services.add_lesson(module, title=title, kind_name="page")
                services.update_lesson(lesson, content={"body": body})
        services.publish_course(course, by=instructor, notes="First release")
        created += 1
    out.write(f"Courses: {created} published.\n")
    _populate_path(instructor, out)


def _populate_path(instructor: User, out: TextIO) -> None:
    """A published programme: two required courses and a group of electives."""
    if LearningPath.objects.filter(title="Compliance Essentials").exists():
        return
    courses = {c.title: c for c in Course.objects.live()}
    path = paths.create_path(
        title="Compliance Essentials",
        by=instructor,
        summary="The mandatory essentials for everyone, then a course of your choice.",
    )
    paths.set_path_variants(
        path,
        {
            "tr": {
                "title": "Uyum Temelleri",
                "summary": "Herkes için zorunlu temel eğitimler, ardından seçtiğiniz bir kurs.",
            }
        },
    )
    paths.add_course_step(path, courses["Information Security Awareness"])
    paths.add_course_step(path, courses["Workplace Health and Safety"])
    paths.add_elective_step(path, [courses["New Joiner Onboarding"]], pick=1, title="Your choice")
    paths.publish_path(path, by=instructor)
    out.write("Programmes: Compliance Essentials published.\n")

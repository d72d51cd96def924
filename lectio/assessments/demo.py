"""A demo question bank: a few questions of every type about workplace safety and
information security, written in GIFT and Moodle XML as an instructor would import them."""

from typing import TextIO

from lectio.accounts.models import User
from lectio.assessments import services
from lectio.assessments.formats import gift
from lectio.assessments.models import Category, Question

BANK = """
$CATEGORY: $course$/top/Information Security/Phishing

// [tag:phishing]
::Suspicious e-mail::You receive an e-mail from "IT Support" asking for your password to fix your mailbox. What do you do? {
  =Report it with the Report Phishing button#Right: the security team can warn everyone else.
  ~Reply with your password#IT will never ask for your password.
  ~%-50%Forward it to your colleagues to warn them#That spreads the link; report it instead.
  ####Nobody at the company will ever ask for your password by e-mail.
}

// [tag:phishing]
::Signs of phishing::Which of these are signs of a phishing e-mail? {
  ~%33.33333%A sender address that does not match the company#Yes.
  ~%33.33333%Urgent pressure to act now#Yes.
  ~%33.33334%A link whose address differs from its text#Yes.
  ~%-100%Your manager's usual signature#That alone is not a sign.
}

::Password reuse::It is fine to use the same password for work and personal accounts if it is long. {FALSE#A leak of one account would open the other.#Right: every account needs its own password.}

$CATEGORY: $course$/top/Health and Safety/Fire

// [tag:fire]
::Assembly point::What is the name of the place where everyone gathers after an evacuation? {
  =assembly point#Right.
  =muster point#Also right.
  =%50%*assembly*#Nearly: the exact name is "assembly point".
}

::Extinguisher distance::How many metres may a person be from the nearest fire extinguisher at most? {#30:0#Right: 30 metres is the usual limit.}

::Extinguishers::Match each fire to the extinguisher to use. {
  =Electrical equipment -> Carbon dioxide
  =Wood and paper -> Water
  =Cooking oil -> Wet chemical
  = -> Sand bucket
}

::Smoke::Stay low when there is smoke because clean air is {=near the floor ~near the ceiling ~in the stairwell}.

::Near miss::Describe a near miss you have seen at work and what could prevent it.{}
"""


def populate(out: TextIO) -> None:
    if Question.objects.exists():
        return
    instructor = User.objects.filter(is_instructor=True).order_by("pk").first()
    for item in gift.parse(BANK):
        services.create_question(
            category=services.category_path(item.category),
            type=item.type,
            prompt=item.prompt,
            data=item.data,
            by=instructor,
            name=item.name,
            general_feedback=item.general_feedback,
            tags=item.tags,
        )
    fire = services.category_path(["Health and Safety", "Fire"])
    services.create_question(
        category=fire,
        type="ordering",
        name="Evacuation steps",
        prompt="<p>Put the steps of an evacuation in order.</p>",
        data={
            "items": [
                {"text": "Raise the alarm"},
                {"text": "Leave by the nearest exit"},
                {"text": "Go to the assembly point"},
                {"text": "Report to the fire warden"},
            ]
        },
        by=instructor,
        tags=["fire"],
    )
    services.create_question(
        category=fire,
        type="cloze",
        name="Fire triangle",
        prompt="<p>A fire needs heat, [[fuel]] and [[oxygen]]; air holds about [[share]] % of it.</p>",
        data={
            "gaps": [
                {"id": "fuel", "kind": "short", "answers": [{"text": "fuel", "fraction": 1}]},
                {
                    "id": "oxygen",
                    "kind": "choice",
                    "choices": [
                        {"text": "oxygen", "fraction": 1},
                        {"text": "nitrogen", "fraction": 0},
                    ],
                },
                {
                    "id": "share",
                    "kind": "numeric",
                    "answers": [{"value": 21, "tolerance": 1, "fraction": 1}],
                },
            ]
        },
        by=instructor,
        tags=["fire"],
    )
    out.write(f"Question bank: {Question.objects.count()} questions.\n")
    _add_quizzes(instructor)


def _add_quizzes(instructor: User | None) -> None:
    """Each published demo course ends with a quiz drawn from the bank (republished now,\n    unless media added to its draft are still processing)."""
    from lectio.catalog import services as catalog
    from lectio.catalog.models import Course

    root = Category.objects.filter(parent=None).order_by("pk").first()
    if root is None or instructor is None:
        return
    for course in Course.objects.live():
        if course.lessons.filter(kind="quiz").exists():
            continue
        check = catalog.add_module(course, title="Check your understanding")
        quiz = catalog.add_lesson(check, title="Final quiz", kind_name="quiz")
        catalog.update_lesson(
            quiz,
            content={
                "draw_category": root.pk,
                "draw_count": 3,
                "shuffle_questions": True,
                "shuffle_choices": True,
                "time_limit": 10,
                "attempts_allowed": 3,
                "grading": "highest",
                "passing_score": 70,
                "review_after_attempt": ["score"],
                "review_after_last": ["score", "answers", "feedback"],
            },
        )
        # A course whose new media are still processing is published later, quiz included.
        if not catalog.publish_problems(course):
            catalog.publish_course(course, by=instructor, notes="Final quiz")

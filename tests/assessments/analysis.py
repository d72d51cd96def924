"""A small hand-made quiz for the analysis and regrading tests: four questions, four
attempts whose answers are chosen so every statistic can be worked out by hand."""

from datetime import UTC, datetime, timedelta

from lectio.assessments import services as bank
from tests.assessments.data import RAW
from tests.assessments.quizzes import make_quiz

T0 = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)

# Per attempt, per question: which choice (single) or value (true/false) was picked.
# Q1 single (c1 right), Q2 single, Q3 true/false worth 2 marks (False is right), Q4 single.
PICKS = [
    ("c1", "c1", True, "c1"),  # 1+1+0+1 = 3/5 = 60 %
    ("c2", "c1", True, "c1"),  # 0+1+0+1 = 2/5 = 40 % (lowest)
    ("c1", "c2", False, "c1"),  # 1+0+2+1 = 4/5 = 80 % (highest)
    ("c3", "c2", False, "c1"),  # 0+0+2+1 = 3/5 = 60 %
]


def make_analysed_quiz(cast, **settings):
    category = bank.category_path(["Analysis bank"])
    author = cast.instructor

    def single(text, **extra):
        return bank.create_question(
            category=category, type="single", prompt=text, data=RAW["single"], by=author, **extra
        )

    q1 = single(
        "<p>A suspicious e-mail arrives.</p>",
        translations={"tr": {"prompt": "<p>Şüpheli bir e-posta gelir.</p>"}},
    )
    q2 = single("<p>Someone tailgates you.</p>")
    q3 = bank.create_question(
        category=category,
        type="truefalse",
        prompt="<p>Passwords may be shared.</p>",
        data=RAW["truefalse"],
        by=author,
        default_mark=2,
    )
    q4 = single("<p>Who do you call?</p>")
    questions = [q1, q2, q3, q4]
    _course, enrollment, quiz = make_quiz(cast, questions, **settings)
    return questions, enrollment, quiz


def take(enrollment, quiz, picks, *, at):
    """One attempt with these picks, submitted."""
    attempt = bank.start_attempt(enrollment, quiz.pk, at=at)
    responses = {}
    for slot, pick in enumerate(picks, start=1):
        responses[slot] = {"value": pick} if isinstance(pick, bool) else {"choice": pick}
    bank.save_answers(attempt, responses, at=at)
    return bank.submit_attempt(attempt, at=at)


def take_all(enrollment, quiz, picks=PICKS):
    return [
        take(enrollment, quiz, row, at=T0 + timedelta(minutes=n)) for n, row in enumerate(picks)
    ]

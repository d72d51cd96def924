from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "lectio.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from lectio.assessments.models import Category, Question
        from lectio.catalog.kinds import quiz
        from lectio.trees import in_tree_order

        def categories() -> list[tuple[int, str]]:
            return [
                (c.pk, "— " * c.depth + c.name)
                for c in in_tree_order(Category.objects.only("pk", "name", "parent", "depth"))
            ]

        def known_questions(ids: list[int]) -> set[int]:
            # The bank is shared by every instructor (decision 64): a question is visible
            # to the author when it exists and has a version to show.
            return set(
                Question.objects.filter(pk__in=ids, current_version__isnull=False).values_list(
                    "pk", flat=True
                )
            )

        # The quiz author picks a bank category to draw questions from, and fixed
        # questions must be in the bank.
        quiz.provide_categories(categories)
        quiz.provide_question_check(known_questions)

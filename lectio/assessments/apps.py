from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "lectio.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from lectio.assessments.models import Category
        from lectio.catalog.kinds import quiz
        from lectio.trees import in_tree_order

        def categories() -> list[tuple[int, str]]:
            return [
                (c.pk, "— " * c.depth + c.name)
                for c in in_tree_order(Category.objects.only("pk", "name", "parent", "depth"))
            ]

        # The quiz author picks a bank category to draw questions from.
        quiz.provide_categories(categories)

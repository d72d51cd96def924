from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lectio.accounts.models import User
from lectio.catalog.models import Course, LearningPath, Lesson


class CourseForm(forms.ModelForm[Course]):
    category = forms.CharField(
        label=_("Category"),
        max_length=120,
        required=False,
        help_text=_("E.g. Compliance, Safety, Onboarding. A new name creates the category."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas, e.g. safety, onboarding."),
    )
    instructors = forms.ModelMultipleChoiceField(
        label=_("Instructors"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "summary",
            "description",
            "language",
            "estimated_minutes",
            "visibility",
            "access",
            "access_days",
            "access_starts_at",
            "access_ends_at",
            "sequential",
            "valid_months",
            "prerequisites",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "access_starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "access_ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "visibility": forms.RadioSelect,
            "access": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instructors = self.fields["instructors"]
        assert isinstance(instructors, forms.ModelMultipleChoiceField)
        instructors.queryset = User.objects.filter(
            Q(is_instructor=True) | Q(is_administrator=True), is_active=True
        )
        prerequisites = self.fields["prerequisites"]
        assert isinstance(prerequisites, forms.ModelMultipleChoiceField)
        prerequisites.queryset = Course.objects.exclude(pk=self.instance.pk)
        prerequisites.required = False
        # Title and summary in every other language (empty: learners get the course's own).
        for code, name in settings.LANGUAGES:
            if code == self.instance.language:
                continue
            texts = self.instance.variants.get(code, {})
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": name},
                max_length=200,
                required=False,
                initial=texts.get("title", ""),
            )
            self.fields[f"summary_{code}"] = forms.CharField(
                label=_("Summary in %(language)s") % {"language": name},
                max_length=300,
                required=False,
                initial=texts.get("summary", ""),
            )
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tags.values_list("name", flat=True))
            self.initial["category"] = self.instance.category.name if self.instance.category else ""
            self.initial["instructors"] = list(self.instance.instructors.all())
        else:
            del self.fields["instructors"]

    def pop_variants(self) -> dict[str, dict[str, str]]:
        """Take the per-language titles and summaries out of cleaned_data."""
        variants: dict[str, dict[str, str]] = {}
        for code, _name in settings.LANGUAGES:
            for part in ("title", "summary"):
                value = self.cleaned_data.pop(f"{part}_{code}", None)
                if value is not None:
                    variants.setdefault(code, {})[part] = value
        language = self.cleaned_data.get("language")
        return {code: texts for code, texts in variants.items() if code != language}

    def clean_category(self) -> str:
        return str(self.cleaned_data["category"]).strip()

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in str(self.cleaned_data["tags"]).split(",") if t.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        access = data.get("access")
        if access == Course.Access.RELATIVE and not data.get("access_days"):
            self.add_error("access_days", _("Give the number of days of access."))
        if access == Course.Access.FIXED:
            starts, ends = data.get("access_starts_at"), data.get("access_ends_at")
            if not ends:
                self.add_error("access_ends_at", _("A fixed access period needs an end date."))
            elif starts and ends <= starts:
                self.add_error("access_ends_at", _("The end must come after the start."))
        return data


class NewCourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class TitleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class NewLessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Lesson.Kind.choices)


class LessonForm(forms.ModelForm[Lesson]):
    class Meta:
        model = Lesson
        fields = ["title", "required", "estimated_minutes", "opens_after_days", "opens_on"]
        widgets = {"opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class VariantForm(forms.Form):
    title = forms.CharField(
        label=_("Title in this language"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to keep the lesson's own title."),
    )


class PublishForm(forms.Form):
    notes = forms.CharField(
        label=_("What changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the version history."),
    )
    major = forms.BooleanField(
        label=_("Major revision"),
        required=False,
        help_text=_(
            "The content changed in substance (e.g. a new policy): assigned training may ask "
            "people who completed an earlier version to complete this one."
        ),
    )


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("Any language")), *settings.LANGUAGES]


# ---- Learning paths ------------------------------------------------------------------------


class PathForm(forms.ModelForm[LearningPath]):
    class Meta:
        model = LearningPath
        fields = ["title", "summary", "language", "visibility"]
        widgets = {"visibility": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            if code == self.instance.language:
                continue
            texts = self.instance.variants.get(code, {})
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": name},
                max_length=200,
                required=False,
                initial=texts.get("title", ""),
            )
            self.fields[f"summary_{code}"] = forms.CharField(
                label=_("Summary in %(language)s") % {"language": name},
                max_length=300,
                required=False,
                initial=texts.get("summary", ""),
            )

    def pop_variants(self) -> dict[str, dict[str, str]]:
        variants: dict[str, dict[str, str]] = {}
        for code, _name in settings.LANGUAGES:
            for part in ("title", "summary"):
                value = self.cleaned_data.pop(f"{part}_{code}", None)
                if value is not None:
                    variants.setdefault(code, {})[part] = value
        language = self.cleaned_data.get("language")
        return {code: texts for code, texts in variants.items() if code != language}


def _live_courses() -> Any:
    return Course.objects.live().select_related("live_version").order_by("live_version__title")


class CourseChoiceField(forms.ModelChoiceField[Course]):
    def label_from_instance(self, obj: Course) -> str:
        return obj.live_version.title if obj.live_version else obj.title


class CourseMultipleChoiceField(forms.ModelMultipleChoiceField[Course]):
    def label_from_instance(self, obj: Course) -> str:
        return obj.live_version.title if obj.live_version else obj.title


class CourseStepForm(forms.Form):
    course = CourseChoiceField(label=_("Required course"), queryset=Course.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _live_courses()


class ElectiveStepForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Optional, e.g. Specialist topics."),
    )
    courses = CourseMultipleChoiceField(
        label=_("Courses to choose from"),
        queryset=Course.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    pick = forms.IntegerField(label=_("How many must be completed"), min_value=1, initial=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["courses"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = _live_courses()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        courses, pick = data.get("courses"), data.get("pick")
        if courses is not None and pick is not None and pick > len(courses):
            self.add_error(
                "pick",
                _("Choose at least as many courses as must be completed (%(pick)s).")
                % {"pick": pick},
            )
        return data

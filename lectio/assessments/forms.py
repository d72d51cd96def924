from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from lectio.assessments.models import Category, QuestionImport
from lectio.trees import in_tree_order


class CategoryChoiceField(forms.ModelChoiceField["Category"]):
    def label_from_instance(self, obj: Category) -> str:
        return "— " * obj.depth + obj.name


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=QuestionImport.Format.choices,
        widget=forms.RadioSelect,
        initial=QuestionImport.Format.GIFT,
    )
    file = forms.FileField(label=_("File"))
    category = CategoryChoiceField(
        label=_("Into category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("The top of the bank"),
        help_text=_(
            "Categories named in the file are created below this one. Questions without a "
            "category go into it, or into “Imported” at the top."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, CategoryChoiceField)
        field.choices = [("", field.empty_label)] + [
            (c.pk, field.label_from_instance(c)) for c in in_tree_order(Category.objects.all())
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.LECTIO_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; split it into smaller files."),
                params={"limit": settings.LECTIO_IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("gift", _("GIFT")), ("moodle_xml", _("Moodle XML"))],
        widget=forms.RadioSelect,
        initial="moodle_xml",
    )


class ImageForm(forms.Form):
    file = forms.FileField(
        label=_("Picture"),
        help_text=_("PNG, JPEG, GIF or WebP, up to 5 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    alt = forms.CharField(
        label=_("Text alternative"),
        max_length=500,
        help_text=_("What the picture shows, for people who cannot see it."),
    )

"""The question bank pages for instructors and administrators."""

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assessments import editor, exports, grading, imports, services
from lectio.assessments.forms import ExportForm, ImportForm
from lectio.assessments.models import (
    Category,
    Question,
    QuestionImport,
    QuestionType,
    Tag,
)
from lectio.assessments.permissions import can_manage_questions, requires
from lectio.assessments.qtypes import QuestionDataError
from lectio.trees import in_tree_order

QUESTIONS_PER_PAGE = 50


@requires(can_manage_questions)
def bank(request: AuthenticatedRequest) -> HttpResponse:
    """The category tree with the number of questions in each category."""
    categories = in_tree_order(Category.objects.annotate(question_count=Count("questions")))
    recent = QuestionImport.objects.select_related("created_by")[:5]
    return render(request, "assessments/bank.html", {"categories": categories, "recent": recent})


@requires(can_manage_questions)
def category(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    ancestors = Category.objects.filter(pk__in=category.ancestor_ids()).order_by("depth")
    children = Category.objects.filter(parent=category).annotate(question_count=Count("questions"))
    questions = (
        Question.objects.filter(category=category)
        .select_related("current_version")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .order_by("pk")
    )
    page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/category.html",
        {
            "category": category,
            "ancestors": ancestors,
            "children": sorted(children, key=lambda c: c.name.casefold()),
            "page": page,
            "export_form": ExportForm(),
        },
    )


@requires(can_manage_questions)
def question(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Every version of a question, newest first, read-only."""
    question = get_object_or_404(
        Question.objects.select_related("category", "created_by").prefetch_related("tags"), pk=pk
    )
    versions = [
        (
            version,
            json.dumps(version.data, indent=2, ensure_ascii=False),
            json.dumps(version.translations, indent=2, ensure_ascii=False),
        )
        for version in question.versions.select_related("created_by").order_by("-number")
    ]
    ancestors = Category.objects.filter(pk__in=question.category.ancestor_ids()).order_by("depth")
    return render(
        request,
        "assessments/question.html",
        {
            "question": question,
            "versions": versions,
            "ancestors": ancestors,
            "editable": any(
                v.pk == question.current_version_id and v.type in editor.EDITABLE
                for v, _d, _t in versions
            ),
        },
    )


@requires(can_manage_questions)
def export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A category and everything below it as GIFT or Moodle XML, downloaded. Without a
    valid format, the page that says what the format cannot carry."""
    category = get_object_or_404(Category, pk=pk)
    form = ExportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "assessments/export.html", {"category": category, "form": form})
    format_name = form.cleaned_data["format"]
    exported = exports.export(category, format_name)
    if request.GET.get("download") != "1":
        return render(
            request,
            "assessments/export.html",
            {"category": category, "form": form, "exported": exported, "format": format_name},
        )
    extension, content_type = exports.EXTENSIONS[format_name]
    response = HttpResponse(exported.text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questions-{category.pk}.{extension}"'
    return response


@requires(can_manage_questions)
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = imports.read_upload(form.cleaned_data["format"], upload.read())
        except imports.FileProblem as exc:
            problem = str(exc)
        else:
            batch = QuestionImport.objects.create(
                format=form.cleaned_data["format"],
                file_name=upload.name[:255],
                content=text,
                category=form.cleaned_data["category"],
                created_by=request.user,
            )
            return redirect("assessments:import_preview", pk=batch.pk)
    recent = QuestionImport.objects.select_related("created_by", "category")[:10]
    return render(
        request,
        "assessments/import_upload.html",
        {"form": form, "problem": problem, "recent": recent},
    )


@requires(can_manage_questions)
@require_http_methods(["GET", "POST"])
def import_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """What the file would create, question by question; import on confirmation."""
    batch = get_object_or_404(QuestionImport.objects.select_related("category"), pk=pk)
    context: dict[str, object] = {"batch": batch, "preview": None}
    if batch.status == QuestionImport.Status.APPLIED:
        return render(request, "assessments/import_preview.html", context)
    try:
        if request.method == "POST":
            preview = imports.apply(batch, by=request.user)
            if batch.status == QuestionImport.Status.APPLIED:
                count = batch.question_count
                messages.success(
                    request,
                    ngettext("Imported %(count)s question.", "Imported %(count)s questions.", count)
                    % {"count": count},
                )
                return redirect("assessments:bank")
        else:
            preview = imports.check(batch)
    except imports.FileProblem as exc:
        context["problem"] = str(exc)
        return render(request, "assessments/import_preview.html", context)
    context["preview"] = preview
    return render(request, "assessments/import_preview.html", context)


def _editor(
    request: AuthenticatedRequest,
    category: Category,
    question: Question | None,
    type_name: str,
) -> HttpResponse:
    """The editor for one question (new when ``question`` is None): GET shows the form,
    POST saves a new question or a new version, or shows the form again with the type's
    own reasons and changes nothing."""
    version = question.current_version if question is not None else None
    current = version.data if version is not None else {}
    ids = [i for i, _text in editor.translatable(current)]
    feedbacks = grading.feedback_texts(current)
    problems: list[str] = []
    post = request.POST
    if request.method == "POST":
        mark = editor.mark_from_post(post)
        fields: dict[str, Any] = {
            "prompt": post.get("prompt", ""),
            "data": editor.data_from_post(type_name, post),
            "name": post.get("name", ""),
            "general_feedback": post.get("general_feedback", ""),
            "translations": editor.translations_from_post(post, ids, list(feedbacks)),
        }
        if mark is None:
            problems.append(_("The default mark must be a number."))
        else:
            try:
                if question is None:
                    question = services.create_question(
                        category=category,
                        type=type_name,
                        by=request.user,
                        default_mark=mark,
                        tags=editor.tags_from_post(post),
                        **fields,
                    )
                    messages.success(request, _("Question created."))
                else:
                    with transaction.atomic():
                        services.revise_question(
                            question, by=request.user, default_mark=mark, **fields
                        )
                        services.set_tags(question, editor.tags_from_post(post))
                    messages.success(request, _("Saved as a new version."))
                return redirect("assessments:question", pk=question.pk)
            except QuestionDataError as error:
                problems = error.problems
    rows = editor.rows_from_post(post) if post else editor.choice_rows(type_name, current)
    if post:
        numeric_rows = editor.posted_rows(post, "answer", editor.NUMERIC_KEYS)
        unit_rows = editor.posted_rows(post, "unit", editor.UNIT_KEYS)
    else:
        numeric_rows, unit_rows = editor.numeric_rows(type_name, current)
    if post:
        item_rows = editor.posted_rows(post, "item", editor.ITEM_KEYS)
        pair_rows = editor.posted_rows(post, "pair", editor.PAIR_KEYS)
    else:
        item_rows, pair_rows = editor.list_rows(type_name, current)
    if post:
        gap_forms = editor.with_marked_gaps(editor.posted_gaps(post), post.get("prompt", ""))
    else:
        gap_forms = editor.gap_forms(type_name, current, version.prompt if version else "")
    translations = version.translations if version is not None else {}
    languages = []
    for code, name in editor.other_languages():
        entry = translations.get(code, {})
        texts = entry.get("texts", {})
        translated_feedback = entry.get("feedbacks", {})
        if post:
            entry = {
                "prompt": post.get(f"tr-{code}-prompt", ""),
                "feedback": post.get(f"tr-{code}-feedback", ""),
            }
            texts = {i: post.get(f"tr-{code}-text-{i}", "") for i in ids}
            translated_feedback = {i: post.get(f"tr-{code}-fb-{i}", "") for i in feedbacks}
        choices = [(i, text, texts.get(i, "")) for i, text in editor.translatable(current)]
        feedback_rows = [(i, text, translated_feedback.get(i, "")) for i, text in feedbacks.items()]
        languages.append(
            {
                "code": code,
                "name": name,
                "entry": entry,
                "choices": choices,
                "feedbacks": feedback_rows,
            }
        )
    if post:
        values: dict[str, Any] = {key: post.get(key, "") for key in editor.SIMPLE_FIELDS}
        values["shuffle"] = post.get("shuffle") == "on"
        values["case_sensitive"] = post.get("case_sensitive") == "on"
        values["unit_required"] = post.get("unit_required") == "on"
    else:
        values = editor.initial_values(version, question)
    ancestors = Category.objects.filter(pk__in=category.ancestor_ids()).order_by("depth")
    return render(
        request,
        "assessments/edit.html",
        {
            "category": category,
            "ancestors": ancestors,
            "question": question,
            "type": type_name,
            "type_label": QuestionType(type_name).label,
            "problems": problems,
            "rows": rows,
            "numeric_rows": numeric_rows,
            "unit_rows": unit_rows,
            "item_rows": item_rows,
            "pair_rows": pair_rows,
            "gap_forms": gap_forms if type_name == "cloze" else [],
            "values": values,
            "languages": languages,
        },
        status=400 if problems else 200,
    )


@requires(can_manage_questions)
@require_http_methods(["GET", "POST"])
def new_question(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Pick a type, then the type's form."""
    category = get_object_or_404(Category, pk=pk)
    type_name = request.GET.get("type", "")
    if type_name not in editor.EDITABLE:
        ancestors = Category.objects.filter(pk__in=category.ancestor_ids()).order_by("depth")
        types = [(t, QuestionType(t).label) for t in editor.EDITABLE]
        return render(
            request,
            "assessments/new_question.html",
            {"category": category, "ancestors": ancestors, "types": types},
        )
    return _editor(request, category, None, type_name)


@requires(can_manage_questions)
@require_http_methods(["GET", "POST"])
def edit_question(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.select_related("category", "current_version"), pk=pk
    )
    version = question.current_version
    if version is None or version.type not in editor.EDITABLE:
        raise Http404
    return _editor(request, question.category, question, version.type)

"""The question bank pages for instructors and administrators."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assessments import exports, imports
from lectio.assessments.forms import ExportForm, ImportForm
from lectio.assessments.models import Category, Question, QuestionImport, Tag, in_tree_order
from lectio.assessments.permissions import can_manage_questions, requires

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
        {"question": question, "versions": versions, "ancestors": ancestors},
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

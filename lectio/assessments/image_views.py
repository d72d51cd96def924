"""Pictures of the question bank: the upload page (instructors and administrators), which
lists the recent pictures with the tag to paste into a question text, and the delivery of
a picture to the people who may see a question showing it (others get 404)."""

from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from lectio.accounts.permissions import AuthenticatedRequest
from lectio.assessments import images, services
from lectio.assessments.forms import ImageForm
from lectio.assessments.models import QuestionImage
from lectio.assessments.permissions import can_manage_questions, can_view_image, requires
from lectio.assets import delivery

RECENT = 20


@requires(can_manage_questions)
@require_http_methods(["GET", "POST"])
def pictures(request: AuthenticatedRequest) -> HttpResponse:
    """GET: the upload form and recent pictures; POST: upload one (400 with the reason,
    nothing stored, when it is refused)."""
    form = ImageForm(request.POST or None, request.FILES or None)
    added = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                added = services.store_image(
                    upload.read(images.MAX_BYTES + 1),
                    name=upload.name,
                    alt=form.cleaned_data["alt"],
                    by=request.user,
                )
            except images.ImageProblem as problem:
                form.add_error("file", str(problem))
            else:
                form = ImageForm()
        if not form.is_valid() and added is None:
            status = 400
    recent = QuestionImage.objects.select_related("created_by")[:RECENT]
    return render(
        request,
        "assessments/pictures.html",
        {"form": form, "added": added, "recent": recent},
        status=status,
    )


@require_GET
def image(request: AuthenticatedRequest, key: str) -> HttpResponseBase:
    picture = get_object_or_404(QuestionImage, key=key)
    if not can_view_image(request.user, picture):
        raise Http404
    return delivery.serve(request, picture.file)

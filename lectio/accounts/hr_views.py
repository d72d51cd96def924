"""The administrators' record of HR sync runs (drop folder and ``lectio hr_sync``)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from lectio.accounts import permissions
from lectio.accounts.models import HrSyncRun, PeopleImport
from lectio.accounts.permissions import AuthenticatedRequest

RUNS_PER_PAGE = 50


@permissions.requires(permissions.can_manage_people)
@require_safe
def run_list(request: AuthenticatedRequest) -> HttpResponse:
    runs = HrSyncRun.objects.defer("report")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/hr_sync_runs.html", {"page": page})


@permissions.requires(permissions.can_manage_people)
@require_safe
def run_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(HrSyncRun, pk=pk)
    key = "email" if run.kind == PeopleImport.Kind.PEOPLE else "code"
    return render(
        request, "accounts/hr_sync_run.html", {"run": run, "report": run.report, "key": key}
    )

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

from .models import Request


class RequestList(LoginRequiredMixin, ListView):
    """The queue: requests filtered by status and branch (as the panel's /requests?status=&branch=)."""

    template_name = "peer/requests.html"
    context_object_name = "requests"
    paginate_by = 50  # the panel's page size

    def get_queryset(self):
        qs = Request.objects.select_related("branch", "author", "assignee").filter(archived_at__isnull=True)
        status = self.request.GET.get("status")
        if status:
            qs = qs.filter(status=status)
        branch = self.request.GET.get("branch", "")
        if branch.isdigit():
            qs = qs.filter(branch_id=int(branch))
        return qs.order_by("-created_at", "-id")

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView
from django.views.generic import TemplateView

from . import permissions
from .otp import confirmed_device


class PortalLoginView(LoginView):
    redirect_authenticated_user = True


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"

    def get_context_data(self, **kwargs):
        from planning.models import WorkingGroup

        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["roles"] = permissions.roles_of(user)
        context["managed_groups"] = WorkingGroup.objects.filter(
            pk__in=permissions.managed_group_ids(user))
        context["contact_groups"] = WorkingGroup.objects.filter(
            pk__in=permissions.contact_group_ids(user))
        context["member_groups"] = WorkingGroup.objects.filter(
            pk__in=permissions.member_group_ids(user))
        context["second_factor_on"] = confirmed_device(user) is not None
        return context

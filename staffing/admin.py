from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from familieberedskab.admin import AuditedAdmin
from staffing import services
from staffing.models import Competence, Organisation, Role, User

admin.site.unregister(Group)  # roles, not groups, carry permissions here


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "municipality_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["serves"]


class UserRolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class UserAdminForm(forms.ModelForm):
    roles = UserRolesField(label=_("Roller"), choices=Role.choices, required=False)

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "organisation", "is_active"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.roles)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    form = UserAdminForm
    list_display = ["username", "full_name", "organisation", "role_list", "is_active", "last_login"]
    list_filter = ["organisation", "is_active", "role_assignments__role"]
    search_fields = ["username", "full_name", "email"]
    ordering = ["full_name"]
    filter_horizontal = []
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "email", "organisation"]}),
        (_("Adgang"), {"fields": ["roles", "is_active"]}),
        (_("Datoer"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "full_name", "organisation", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["reset_otp"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .prefetch_related("role_assignments")
        )

    @admin.display(description=_("Roller"))
    def role_list(self, obj: User) -> str:
        return ", ".join(obj.role_labels())

    def save_model(
        self, request: HttpRequest, obj: User, form: forms.ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if "roles" in form.cleaned_data:
            services.user_roles_set(
                by=request.user, user=obj, roles=set(form.cleaned_data["roles"])
            )

    @admin.action(
        description=_("Nulstil engangskode (brugeren tilknytter en ny app ved næste login)")
    )
    def reset_otp(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.otp_reset(by=request.user, user=user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(n)d bruger nulstillet.", "%(n)d brugere nulstillet.", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(Competence)
class CompetenceAdmin(AuditedAdmin):
    """Methods and expertise tags: matching compares referrals' challenges with these."""

    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]

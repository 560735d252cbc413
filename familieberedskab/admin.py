"""Admin screens are for administrators (users, organisations, reference data), gated by the
kernel's permission map and audited like every other write."""

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest

from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, has_permission


class AuditedAdmin(admin.ModelAdmin):
    def _may(self, request: HttpRequest) -> bool:
        return has_permission(request.user, Perm.STAFF_MANAGE)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._may(request)

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_log(
            by=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            fields=[f for f in form.changed_data if "password" not in f],
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit_log(by=request.user, action=AuditAction.DELETE, obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: object) -> None:
        for obj in queryset:
            audit_log(by=request.user, action=AuditAction.DELETE, obj=obj)
        super().delete_queryset(request, queryset)

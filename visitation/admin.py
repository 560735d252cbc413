"""Reference data that administrators maintain: the legal bases a referral can rest on."""

from django.contrib import admin

from familieberedskab.admin import AuditedAdmin
from visitation.models import LegalBasis


@admin.register(LegalBasis)
class LegalBasisAdmin(AuditedAdmin):
    list_display = ["paragraph", "title", "old_reference", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["paragraph", "title", "old_reference"]
    ordering = ["paragraph"]

"""Reference data of the cases app that administrators maintain: the activity catalogue that
visits are recorded against, with each activity's obligatory elements (no case files here)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cases.models import ActivityType, FidelityElement
from familieberedskab.admin import AuditedAdmin


class ActivityTypeForm(forms.ModelForm):
    elements = forms.TypedMultipleChoiceField(
        label=_("Elementer"),
        choices=FidelityElement.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De obligatoriske elementer, aktiviteten praktiserer."),
    )

    class Meta:
        model = ActivityType
        fields = ["code", "name", "group", "elements", "order", "is_active"]


@admin.register(ActivityType)
class ActivityTypeAdmin(AuditedAdmin):
    form = ActivityTypeForm
    list_display = ["name", "group", "code", "order", "is_active"]
    list_filter = ["is_active", "group"]
    search_fields = ["name", "code"]
    ordering = ["order", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Visits refer to activities: retire an activity (is_active) rather than delete it.
        return False

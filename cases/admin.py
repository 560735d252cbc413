"""Reference data of the cases app that administrators maintain: the activity catalogue that
visits are recorded against, with each activity's obligatory elements; the outcome
instruments (labels, order, in use) and the norm sets with their bands (no case files here)."""

import json

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import instruments, norms
from cases.models import ActivityType, FidelityElement, Instrument, NormBand, NormSet
from familieberedskab.admin import AuditedAdmin
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, has_permission


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


# Outcome instruments and norm tables (issue 6) ------------------------------------------------


LABEL_MAX = 120


class InstrumentForm(forms.ModelForm):
    """Only the labels, the order and whether it is in use change here: the definition (items,
    answers, scoring rules) arrives by data migration, because measurements depend on it."""

    class Meta:
        model = Instrument
        fields = ["item_labels", "is_active", "order"]

    def clean_item_labels(self) -> dict[str, str]:
        labels = self.cleaned_data.get("item_labels") or {}
        if not isinstance(labels, dict):
            raise forms.ValidationError(
                _('Skriv etiketterne som {"punktnummer": "kort tekst"}, fx {"1": "Omsorgsfuld"}.')
            )
        known = {str(n) for n in instruments.items_of(self.instance.definition)}
        bad = sorted((str(k) for k in labels if str(k) not in known), key=str)
        if bad:
            raise forms.ValidationError(
                _("Måleredskabet har ikke punkt %(items)s.") % {"items": ", ".join(bad)}
            )
        clean = {}
        for key, value in labels.items():
            if not isinstance(value, str) or len(value) > LABEL_MAX:
                raise forms.ValidationError(
                    _("Etiketten til punkt %(item)s skal være en tekst på højst %(n)s tegn.")
                    % {"item": key, "n": LABEL_MAX}
                )
            if value.strip():
                clean[str(key)] = value.strip()
        return clean


@admin.register(Instrument)
class InstrumentAdmin(AuditedAdmin):
    form = InstrumentForm
    list_display = ["name", "code", "family", "informant", "ages", "is_active", "order"]
    list_filter = ["is_active", "family", "informant"]
    ordering = ["order", "code"]
    fields = [
        "code",
        "name",
        "family",
        "informant",
        "ages",
        "scoring",
        "definition_shown",
        "item_labels",
        "is_active",
        "order",
    ]
    readonly_fields = ["code", "name", "family", "informant", "ages", "scoring", "definition_shown"]

    @admin.display(description=_("alder"))
    def ages(self, obj: Instrument) -> str:
        upper = "" if obj.subject_max_age is None else str(obj.subject_max_age)
        return f"{obj.subject_min_age}–{upper}"

    @admin.display(description=_("definition"))
    def definition_shown(self, obj: Instrument) -> str:
        return format_html(
            '<pre class="readonly">{}</pre>',
            json.dumps(obj.definition, indent=2, ensure_ascii=False),
        )

    def has_add_permission(self, request) -> bool:
        return False  # a new instrument is a data migration (and, at most, a scoring function)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # measurements refer to it: retire it (is_active) instead


class NormSetForm(forms.ModelForm):
    instrument_family = forms.ChoiceField(label=_("måleredskab"), choices=())

    class Meta:
        model = NormSet
        fields = ["instrument_family", "code", "name", "source", "is_default"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        families = Instrument.objects.order_by("family").values_list("family", flat=True)
        self.fields["instrument_family"].choices = [(f, f) for f in dict.fromkeys(families)]


class NormBandFormSet(forms.BaseInlineFormSet):
    """Each band checked against the instrument family's scales and ranges (cases/norms.py),
    and no two bands of a scale overlapping."""

    def clean(self) -> None:
        super().clean()
        known = norms.family_scales()
        family = self.instance.instrument_family
        bands, problems = [], []
        for number, form in enumerate(self.forms, start=1):
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            band = norms.Band(
                where=_("bånd %(n)s") % {"n": number},
                informant=data["informant"],
                scale=data["scale"],
                age_min=data["age_min"],
                age_max=data["age_max"],
                sex=data.get("sex") or "",
                low=data["low"],
                high=data["high"],
                label=data["label"],
                rank=data["rank"],
            )
            bands.append(band)
            problems += [f"{band.where}: {p}" for p in norms.band_problems(band, family, known)]
        problems += norms.overlaps(bands)
        if problems:
            raise forms.ValidationError(problems)


class NormBandInline(admin.TabularInline):
    model = NormBand
    formset = NormBandFormSet
    fields = ["informant", "scale", "age_min", "age_max", "sex", "low", "high", "label", "rank"]
    extra = 0

    # Inlines ask Django's model permissions by default; here the kernel's map decides.
    def has_view_permission(self, request, obj=None) -> bool:
        return has_permission(request.user, Perm.STAFF_MANAGE)

    def has_add_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)


@admin.register(NormSet)
class NormSetAdmin(AuditedAdmin):
    """Norm sets with their bands. Bands stay as they were on the measurements already
    recorded (each measurement keeps the band it was given), so a correction applies from
    now on; a new table is best loaded under a new code with ``manage.py norms_load``."""

    form = NormSetForm
    inlines = [NormBandInline]
    list_display = ["name", "instrument_family", "code", "is_default", "band_count"]
    list_filter = ["instrument_family", "is_default"]
    ordering = ["instrument_family", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_bands=Count("bands"))

    @admin.display(description=_("bånd"), ordering="n_bands")
    def band_count(self, obj: NormSet) -> int:
        return obj.n_bands

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            audit_log(
                by=request.user, action=AuditAction.UPDATE, obj=form.instance, fields=["bands"]
            )

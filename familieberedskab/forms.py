from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from familieberedskab.models import AuditAction
from staffing.models import User


class AuditSearchForm(forms.Form):
    family_id = forms.IntegerField(label=_("Familie-id"), required=False, min_value=1)
    actor = forms.ModelChoiceField(
        label=_("Bruger"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Alle brugere"),
    )
    action = forms.ChoiceField(
        label=_("Handling"),
        required=False,
        choices=[("", _("Alle handlinger")), *AuditAction.choices],
    )
    date_from = forms.DateField(
        label=_("Fra dato"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Til dato"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, actors: "forms.QuerySet[User]", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(
                Column("family_id", css_class="col-md-2"),
                Column("actor", css_class="col-md-3"),
                Column("action", css_class="col-md-2"),
                Column("date_from", css_class="col-md-2"),
                Column("date_to", css_class="col-md-2"),
            ),
            Submit("search", _("Søg"), css_class="btn-primary"),
        )

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Til-datoen må ikke ligge før fra-datoen."))
        return data

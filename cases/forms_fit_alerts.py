"""The form that acknowledges a FIT alert with what was done about it. The form only cleans
input: the rules (who may, that a note is required) live in
``visit_services.alert_acknowledge``."""

from django import forms
from django.utils.translation import gettext_lazy as _

NOTE_MAX_CHARS = 2000


class AlertAcknowledgeForm(forms.Form):
    acknowledgement = forms.CharField(
        label=_("Hvad gjorde I?"),
        help_text=_(
            "Fx: Vi talte med familien om sessionen og aftalte at begynde med deres mål næste gang."
        ),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        error_messages={
            "required": _("Skriv hvad I har gjort ved det."),
            "max_length": _("Skriv højst %(limit_value)d tegn (du har skrevet %(show_value)d)."),
        },
    )

"""Reference data: the methods and expertise tags named in the project's sources."""

from django.db import migrations

METHODS = [
    "Signs of Safety",
    "FIT (feedback-informeret terapi)",
    "NVR (ikke-voldelig modstand)",
    "Marte Meo",
    "Mentalisering",
]
EXPERTISE = [
    "Spædbørn og tilknytning",
    "Teenagere med angst",
    "Vold i familien",
    "Forældres misbrug",
    "Forældres psykiske sygdom",
    "Skolefravær",
]


def seed(apps, schema_editor):
    Competence = apps.get_model("staffing", "Competence")
    for name in METHODS:
        Competence.objects.get_or_create(name=name, defaults={"kind": "method"})
    for name in EXPERTISE:
        Competence.objects.get_or_create(name=name, defaults={"kind": "expertise"})


def unseed(apps, schema_editor):
    Competence = apps.get_model("staffing", "Competence")
    Competence.objects.filter(name__in=METHODS + EXPERTISE, holders__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("staffing", "0002_add_staff_roster_competences")]

    operations = [migrations.RunPython(seed, unseed)]

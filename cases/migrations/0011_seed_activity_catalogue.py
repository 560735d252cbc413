"""The activity catalogue as the Familieberedskab started it (issue 5; DOMAIN.md step 5),
each entry mapped to the obligatory elements it practises. Maintained in the admin after."""

from django.db import migrations

# code, name, group, elements (1 coherent effort · 2 universal services · 3 flexible hours ·
# 4 method · 5 relationship work · 6 multi-family · 7 network)
CATALOGUE = [
    ("conversation", "Samtale", "Samtale", [4, 5]),
    ("morning_routine", "Morgenrutine", "Praktisk pædagogisk støtte", [4]),
    ("bedtime", "Putning og aftenrutine", "Praktisk pædagogisk støtte", [4]),
    ("meals", "Måltider", "Praktisk pædagogisk støtte", [4]),
    ("tidying", "Oprydning og struktur i hjemmet", "Praktisk pædagogisk støtte", [4]),
    ("economy", "Økonomi og post", "Praktisk pædagogisk støtte", [1, 4]),
    ("video_guidance", "Videoguidning", "Metode", [4, 5]),
    ("network_meeting", "Netværksmøde", "Netværk", [7]),
    ("multifamily", "Flerfamilieaktivitet", "Flerfamilie", [6]),
    ("accompany", "Følge til møde (jobcenter, skole, psykiatri …)", "Samarbejde", [1, 2]),
    ("school_contact", "Kontakt med skole eller dagtilbud", "Samarbejde", [2]),
    ("individual_session", "Individuel samtale", "Samtale", [4, 5]),
    ("couple_session", "Parsamtale", "Samtale", [4, 5]),
    ("assessment", "Udredning", "Metode", [4]),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("cases", "ActivityType")
    for order, (code, name, group, elements) in enumerate(CATALOGUE, start=1):
        ActivityType.objects.update_or_create(
            code=code,
            defaults={"name": name, "group": group, "elements": elements, "order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_add_visits_fit_and_intensity")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

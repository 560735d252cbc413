"""The instruments shipped (issue 6): SDQ in its parent, teacher/pædagog and self-report
(11–17) versions, WHO-5 and the Parental Stress Scale — definitions as data (a copy of those in
cases/instruments.py; migrations do not import app code) — and the published UK SDQ
three-band cut-offs (original bands, sdqinfo.org) as the default norm set, plus the WHO-5
screening band. A Danish SDQ norm table can be loaded with ``manage.py norms_load``."""

from django.db import migrations

SDQ_PARENT = {
    "items": 25,
    "answers": [0, 1, 2],
    "reverse": [7, 11, 14, 21, 25],
    "min_answered": 3,
    "scales": {
        "emotional": [3, 8, 13, 16, 24],
        "conduct": [5, 7, 12, 18, 22],
        "hyperactivity": [2, 10, 15, 21, 25],
        "peer": [6, 11, 14, 19, 23],
        "prosocial": [1, 4, 9, 17, 20],
    },
    "composites": {
        "total": ["emotional", "conduct", "hyperactivity", "peer"],
        "externalising": ["conduct", "hyperactivity"],
        "internalising": ["emotional", "peer"],
    },
    "impact": {
        "gate": 26,
        "items": [27, 28, 29, 30, 31],
        "scoring": {"0": 0, "1": 0, "2": 1, "3": 2},
    },
}
SDQ_TEACHER = {
    "items": 25,
    "answers": [0, 1, 2],
    "reverse": [7, 11, 14, 21, 25],
    "min_answered": 3,
    "scales": {
        "emotional": [3, 8, 13, 16, 24],
        "conduct": [5, 7, 12, 18, 22],
        "hyperactivity": [2, 10, 15, 21, 25],
        "peer": [6, 11, 14, 19, 23],
        "prosocial": [1, 4, 9, 17, 20],
    },
    "composites": {
        "total": ["emotional", "conduct", "hyperactivity", "peer"],
        "externalising": ["conduct", "hyperactivity"],
        "internalising": ["emotional", "peer"],
    },
    "impact": {"gate": 26, "items": [27, 28, 29], "scoring": {"0": 0, "1": 0, "2": 1, "3": 2}},
}
SDQ_SELF = {
    "items": 25,
    "answers": [0, 1, 2],
    "reverse": [7, 11, 14, 21, 25],
    "min_answered": 3,
    "scales": {
        "emotional": [3, 8, 13, 16, 24],
        "conduct": [5, 7, 12, 18, 22],
        "hyperactivity": [2, 10, 15, 21, 25],
        "peer": [6, 11, 14, 19, 23],
        "prosocial": [1, 4, 9, 17, 20],
    },
    "composites": {
        "total": ["emotional", "conduct", "hyperactivity", "peer"],
        "externalising": ["conduct", "hyperactivity"],
        "internalising": ["emotional", "peer"],
    },
    "impact": {
        "gate": 26,
        "items": [27, 28, 29, 30, 31],
        "scoring": {"0": 0, "1": 0, "2": 1, "3": 2},
    },
}
WHO5 = {
    "items": 5,
    "answers": [0, 1, 2, 3, 4, 5],
    "multiplier": 4,
    "flags": [
        {"kind": "scale_at_most", "scale": "percentage", "value": 50, "code": "poor_wellbeing"},
        {"kind": "any_item_at_most", "value": 1, "code": "item_low"},
    ],
    "meaningful_change": {"percentage": 10},
}
PSS = {"items": 18, "answers": [1, 2, 3, 4, 5], "reverse": [1, 2, 5, 6, 7, 8, 17, 18]}

INSTRUMENTS = [
    # code, family, name, informant, min age, max age, scoring, definition, order
    ("sdq_parent", "sdq", "SDQ – forældreversion", "parent", 2, 17, "sdq", SDQ_PARENT, 10),
    ("sdq_teacher", "sdq", "SDQ – lærer/pædagog-version", "teacher", 2, 17, "sdq", SDQ_TEACHER, 20),
    ("sdq_self", "sdq", "SDQ – selvrapport (11–17 år)", "self", 11, 17, "sdq", SDQ_SELF, 30),
    ("who5", "who5", "WHO-5 Trivselsindeks", "self", 9, None, "sum", WHO5, 40),
    ("pss", "pss", "Forældrestress (Parental Stress Scale)", "self", 15, None, "sum", PSS, 50),
]

# (scale, [(low, high, label, rank) …]) per informant; labels: normal / grænseområde / afvigende
N, B, A = "Normal", "Grænseområde", "Afvigende"
UK_BANDS = {
    "parent": {
        "total": [(0, 13, N, 0), (14, 16, B, 1), (17, 40, A, 2)],
        "emotional": [(0, 3, N, 0), (4, 4, B, 1), (5, 10, A, 2)],
        "conduct": [(0, 2, N, 0), (3, 3, B, 1), (4, 10, A, 2)],
        "hyperactivity": [(0, 5, N, 0), (6, 6, B, 1), (7, 10, A, 2)],
        "peer": [(0, 2, N, 0), (3, 3, B, 1), (4, 10, A, 2)],
        "prosocial": [(6, 10, N, 0), (5, 5, B, 1), (0, 4, A, 2)],
        "impact": [(0, 0, N, 0), (1, 1, B, 1), (2, 10, A, 2)],
    },
    "teacher": {
        "total": [(0, 11, N, 0), (12, 15, B, 1), (16, 40, A, 2)],
        "emotional": [(0, 4, N, 0), (5, 5, B, 1), (6, 10, A, 2)],
        "conduct": [(0, 2, N, 0), (3, 3, B, 1), (4, 10, A, 2)],
        "hyperactivity": [(0, 5, N, 0), (6, 6, B, 1), (7, 10, A, 2)],
        "peer": [(0, 3, N, 0), (4, 4, B, 1), (5, 10, A, 2)],
        "prosocial": [(6, 10, N, 0), (5, 5, B, 1), (0, 4, A, 2)],
        "impact": [(0, 0, N, 0), (1, 1, B, 1), (2, 6, A, 2)],
    },
    "self": {
        "total": [(0, 15, N, 0), (16, 19, B, 1), (20, 40, A, 2)],
        "emotional": [(0, 5, N, 0), (6, 6, B, 1), (7, 10, A, 2)],
        "conduct": [(0, 3, N, 0), (4, 4, B, 1), (5, 10, A, 2)],
        "hyperactivity": [(0, 5, N, 0), (6, 6, B, 1), (7, 10, A, 2)],
        "peer": [(0, 3, N, 0), (4, 5, B, 1), (6, 10, A, 2)],
        "prosocial": [(6, 10, N, 0), (5, 5, B, 1), (0, 4, A, 2)],
        "impact": [(0, 0, N, 0), (1, 1, B, 1), (2, 10, A, 2)],
    },
}


def seed(apps, schema_editor):
    Instrument = apps.get_model("cases", "Instrument")
    NormSet = apps.get_model("cases", "NormSet")
    NormBand = apps.get_model("cases", "NormBand")
    for code, family, name, informant, lo, hi, scoring, definition, order in INSTRUMENTS:
        Instrument.objects.update_or_create(
            code=code,
            defaults={
                "family": family,
                "name": name,
                "informant": informant,
                "subject_min_age": lo,
                "subject_max_age": hi,
                "scoring": scoring,
                "definition": definition,
                "order": order,
            },
        )
    uk, _ = NormSet.objects.update_or_create(
        instrument_family="sdq",
        code="uk_3band",
        defaults={
            "name": "SDQ – britiske 3-båndsgrænser (original)",
            "source": "Goodman; youthinmind, sdqinfo.org: original three-band cut-offs (UK)",
            "is_default": True,
        },
    )
    uk.bands.all().delete()
    NormBand.objects.bulk_create(
        NormBand(
            norm_set=uk,
            informant=informant,
            scale=scale,
            low=low,
            high=high,
            label=label,
            rank=rank,
        )
        for informant, scales in UK_BANDS.items()
        for scale, bands in scales.items()
        for low, high, label, rank in bands
    )
    who5, _ = NormSet.objects.update_or_create(
        instrument_family="who5",
        code="screening",
        defaults={
            "name": "WHO-5 – screeningsgrænse",
            "source": "WHO-5: ≤ 50 tyder på lav trivsel; screen for depression",
            "is_default": True,
        },
    )
    who5.bands.all().delete()
    NormBand.objects.bulk_create(
        [
            NormBand(
                norm_set=who5,
                informant="self",
                scale="percentage",
                low=0,
                high=50,
                label="Lav trivsel",
                rank=1,
            ),
            NormBand(
                norm_set=who5,
                informant="self",
                scale="percentage",
                low=51,
                high=100,
                label="Ingen tegn på lav trivsel",
                rank=0,
            ),
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_add_outcomes_attendance_and_closure")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

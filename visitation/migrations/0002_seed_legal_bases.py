"""Reference data: the Barnets Lov paragraphs a referral can rest on, with the old
Serviceloven references kept as aliases for historic cases (DOMAIN.md, "Legal basis")."""

from django.db import migrations

LEGAL_BASES = [
    ("barnets-lov-32-1-5", "§ 32, stk. 1, nr. 5", "SEL § 52, stk. 3, nr. 3", "Familiebehandling"),
    (
        "barnets-lov-32-1-2",
        "§ 32, stk. 1, nr. 2",
        "SEL § 52, stk. 3, nr. 2",
        "Praktisk, pædagogisk eller anden støtte i hjemmet",
    ),
    ("barnets-lov-20-23", "§§ 20-23", "SEL § 50", "Børnefaglig undersøgelse"),
    ("barnets-lov-91-92", "§§ 91-92", "SEL § 140", "Barnets plan"),
    ("barnets-lov-95", "§ 95", "SEL § 70", "Opfølgning"),
    ("barnets-lov-28-30", "§§ 28-30", "SEL § 11", "Tidligt forebyggende hjælp"),
    ("barnets-lov-132-138", "§§ 132-138", "SEL §§ 153-155", "Underretninger"),
    ("barnets-lov-5", "§ 5", "SEL § 48", "Barnets synspunkter"),
]


def seed(apps, schema_editor):
    LegalBasis = apps.get_model("visitation", "LegalBasis")
    for code, paragraph, old, title in LEGAL_BASES:
        LegalBasis.objects.update_or_create(
            code=code,
            defaults={
                "paragraph": f"Barnets Lov {paragraph}",
                "old_reference": old,
                "title": title,
            },
        )


def unseed(apps, schema_editor):
    LegalBasis = apps.get_model("visitation", "LegalBasis")
    LegalBasis.objects.filter(
        code__in=[row[0] for row in LEGAL_BASES], referrals__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("visitation", "0001_add_referral_visitation_matching")]

    operations = [migrations.RunPython(seed, unseed)]

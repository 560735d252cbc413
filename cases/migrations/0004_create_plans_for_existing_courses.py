"""Every course has a shared plan: create an empty one for courses that predate plans."""

from django.db import migrations


def create_plans(apps, schema_editor):
    Course = apps.get_model("cases", "Course")
    FamilyPlan = apps.get_model("cases", "FamilyPlan")
    FamilyPlan.objects.bulk_create(
        FamilyPlan(course=course) for course in Course.objects.filter(plan__isnull=True)
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_add_family_plan_goals_actions_versions")]

    # Reversing keeps the plans: they may hold the family's goals by then.
    operations = [migrations.RunPython(create_plans, migrations.RunPython.noop)]

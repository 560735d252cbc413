"""On PostgreSQL the audit table refuses UPDATE and DELETE in the database itself.

TRUNCATE is refused too, except in Django's own throw-away test databases (named
``test_…``), which the test runner empties between tests. In production, grant the
application's database role no TRUNCATE on this table as well (see README, "Audit trail").
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION kernel_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'kernel_auditevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER kernel_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON kernel_auditevent
    FOR EACH ROW EXECUTE FUNCTION kernel_auditevent_append_only();

CREATE TRIGGER kernel_auditevent_no_truncate
    BEFORE TRUNCATE ON kernel_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION kernel_auditevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS kernel_auditevent_no_truncate ON kernel_auditevent;
DROP TRIGGER IF EXISTS kernel_auditevent_no_update_delete ON kernel_auditevent;
DROP FUNCTION IF EXISTS kernel_auditevent_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("kernel", "0001_add_audit_event")]

    operations = [migrations.RunPython(forward, backward)]

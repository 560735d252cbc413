"""URL matrix row for the leader's management dashboard
(tests/integration/kernel/test_url_matrix.py): the matrix's leader is at the provider, so
200; every role without Perm.DASHBOARD_VIEW gets 403. It takes no object, so nothing is
outside a scope (a leader sees only their own provider: tests/integration/reporting/
test_dashboard.py)."""

from familieberedskab.permissions import Perm
from tests.integration.routes import Route

ROUTES: dict[str, Route] = {
    "reporting:dashboard": Route(perm=Perm.DASHBOARD_VIEW),
}

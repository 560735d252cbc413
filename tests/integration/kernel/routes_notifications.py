"""URL matrix rows for the notifications page (tests/integration/kernel/test_url_matrix.py).

Every signed-in user has their own notifications, so no role is refused; the scope is the
recipient, and another user's notification answers 404 (tested in test_notifications.py,
since the matrix's out-of-scope check applies to routes guarded by a permission).
"""

from tests.integration.routes import Route

ROUTES: dict[str, Route] = {
    "notification_list": Route(perm=None),
    "notification_read": Route(perm=None, method="post", ok=302, data={"all": "1"}),
}

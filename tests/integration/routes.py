"""The row type of the URL/role matrix (tests/integration/kernel/test_url_matrix.py)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from familieberedskab.permissions import Perm


@dataclass(frozen=True)
class Route:
    """How one URL pattern must answer.

    ``perm``: the permission that grants the function (None: any signed-in user).
    ``kwargs(ctx)``: URL kwargs of an object in scope for every role's user in the world;
    ``outside(ctx)``: of an object outside every user's scope (expects 404).
    ``ok``: the status for a permitted role; ``ok_by_role`` overrides it per role where
    the function answers differently (e.g. a form that is refused with 400 for one role).
    ``data(ctx)``: the POST body.
    """

    perm: Perm | None
    method: str = "get"
    ok: int = 200
    kwargs: Callable[[dict], dict] | None = None
    outside: Callable[[dict], dict] | None = None
    public: bool = False
    data: Callable[[dict], dict] | dict = field(default_factory=dict)
    ok_by_role: dict[str, int] = field(default_factory=dict)

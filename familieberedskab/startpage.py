"""The start page is assembled from panels that the apps register.

The kernel knows no app above it: each app registers, in its ``AppConfig.ready``, functions
that return a panel for the signed-in user (or ``None`` when it has nothing for them).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, object] = field(default_factory=dict)
    order: int = 100


PanelFactory = Callable[[HttpRequest], Panel | None]
_factories: list[PanelFactory] = []


def register(factory: PanelFactory) -> PanelFactory:
    if factory not in _factories:
        _factories.append(factory)
    return factory


def panels_for(request: HttpRequest) -> list[Panel]:
    panels = [p for p in (factory(request) for factory in _factories) if p is not None]
    return sorted(panels, key=lambda p: p.order)

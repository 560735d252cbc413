"""Screens of the shared family plan (samlet familiehandleplan, issue 4): the plan in plain
Danish, small forms for goals, actions, professionals and the family's words, the version
history, and the whole plan as a PDF for the family (print.py). The rules live in
cases/plan_services.py.

Every form names the plan version it was opened on. A save on an older version is answered
409 with the user's own text kept, what changed since, and the current version in the form,
so that saving again applies their text on top (ADR 0005). The forms are whole pages; the
plan page loads them inline with htmx (``hx-select="#plan-form"``), and they post plainly.
"""

from django.urls import URLPattern, path

from cases.views_plan.edit import (
    perspective_edit,
    professional_create,
    professional_delete,
    professional_edit,
)
from cases.views_plan.goals import (
    action_create,
    action_delete,
    action_edit,
    action_move,
    goal_create,
    goal_delete,
    goal_edit,
    goal_move,
)
from cases.views_plan.history import plan_history, plan_version_detail
from cases.views_plan.page import plan_detail
from cases.views_plan.print import plan_print
from cases.views_plan.progress import goal_review

_PLAN = "forloeb/<int:course_pk>/plan/"
_GOAL = _PLAN + "maal/<int:goal_pk>/"
_ACTION = _GOAL + "handlinger/<int:action_pk>/"
_PROFESSIONAL = _PLAN + "fagpersoner/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path(_PLAN, plan_detail, name="plan_detail"),
    path(_PLAN + "historik/", plan_history, name="plan_history"),
    path(_PLAN + "pdf/", plan_print, name="plan_print"),
    path(_PLAN + "historik/<int:number>/", plan_version_detail, name="plan_version_detail"),
    path(_PLAN + "familiens-ord/", perspective_edit, name="plan_perspective_edit"),
    path(_PLAN + "maal/nyt/", goal_create, name="plan_goal_create"),
    path(_GOAL + "ret/", goal_edit, name="plan_goal_edit"),
    path(_GOAL + "slet/", goal_delete, name="plan_goal_delete"),
    path(_GOAL + "flyt/", goal_move, name="plan_goal_move"),
    path(_GOAL + "vurdering/", goal_review, name="plan_goal_review"),
    path(_GOAL + "handlinger/ny/", action_create, name="plan_action_create"),
    path(_ACTION + "ret/", action_edit, name="plan_action_edit"),
    path(_ACTION + "slet/", action_delete, name="plan_action_delete"),
    path(_ACTION + "flyt/", action_move, name="plan_action_move"),
    path(_PLAN + "fagpersoner/ny/", professional_create, name="plan_professional_create"),
    path(_PROFESSIONAL + "ret/", professional_edit, name="plan_professional_edit"),
    path(_PROFESSIONAL + "slet/", professional_delete, name="plan_professional_delete"),
]

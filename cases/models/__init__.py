"""The cases models: families and courses (``family``), and the shared plan (``plan``)."""

from cases.models.family import (
    Course,
    CourseStatus,
    Family,
    FamilyMember,
    FamilyQuerySet,
    MemberKind,
    TeamAssignment,
    TeamAssignmentQuerySet,
)
from cases.models.plan import (
    Action,
    ActionResponsible,
    FamilyPlan,
    Goal,
    GoalOwner,
    GoalSource,
    GoalStatus,
    LifeArea,
    PlanProfessional,
    PlanVersion,
)

__all__ = [
    "Action",
    "ActionResponsible",
    "Course",
    "CourseStatus",
    "Family",
    "FamilyMember",
    "FamilyPlan",
    "FamilyQuerySet",
    "Goal",
    "GoalOwner",
    "GoalSource",
    "GoalStatus",
    "LifeArea",
    "MemberKind",
    "PlanProfessional",
    "PlanVersion",
    "TeamAssignment",
    "TeamAssignmentQuerySet",
]

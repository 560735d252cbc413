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
    GoalReview,
    GoalSource,
    GoalStatus,
    LifeArea,
    PlanProfessional,
    PlanVersion,
)
from cases.models.safety import (
    DangerStatement,
    SafetyGoal,
    SafetyMapping,
    ScalingRespondent,
    ScalingScore,
)

__all__ = [
    "Action",
    "ActionResponsible",
    "Course",
    "CourseStatus",
    "DangerStatement",
    "Family",
    "FamilyMember",
    "FamilyPlan",
    "FamilyQuerySet",
    "Goal",
    "GoalOwner",
    "GoalReview",
    "GoalSource",
    "GoalStatus",
    "LifeArea",
    "MemberKind",
    "PlanProfessional",
    "PlanVersion",
    "SafetyGoal",
    "SafetyMapping",
    "ScalingRespondent",
    "ScalingScore",
    "TeamAssignment",
    "TeamAssignmentQuerySet",
]

"""Writes about people: sign-in events, one-time-code devices, roles."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from staffing.models import User, UserRole


@transaction.atomic
def otp_device_confirm(*, by: User, device: TOTPDevice) -> TOTPDevice:
    """Enrolment ends when the user has proved the device with a valid code."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.devices_for_user(by).exclude(pk=device.pk).delete()
    audit_log(by=by, action=AuditAction.OTP_ENROL, obj=by)
    return device


@transaction.atomic
def otp_reset(*, by: User, user: User) -> int:
    """An administrator removes a user's code devices; the user enrols anew at next sign-in."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_log(by=by, action=AuditAction.OTP_RESET, obj=user)
    return deleted


@transaction.atomic
def user_roles_set(*, by: User, user: User, roles: set[str]) -> None:
    """Replace a user's roles with ``roles`` (administrators only, through the admin)."""
    current = set(user.role_assignments.values_list("role", flat=True))
    UserRole.objects.filter(user=user, role__in=current - roles).delete()
    UserRole.objects.bulk_create(UserRole(user=user, role=r) for r in sorted(roles - current))
    if current != roles:
        audit_log(
            by=by,
            action=AuditAction.UPDATE,
            obj=user,
            fields=["roles"],
            values={"roles_before": sorted(current), "roles_after": sorted(roles)},
        )
    user.__dict__.pop("roles", None)


def login_record(*, user: User) -> None:
    audit_log(by=user, action=AuditAction.LOGIN, obj=user)


def logout_record(*, user: User) -> None:
    audit_log(by=user, action=AuditAction.LOGOUT, obj=user)

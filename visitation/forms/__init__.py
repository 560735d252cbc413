"""Visitation forms, one module per area (referrals, committee, waiting list)."""

from django.contrib import admin

from iskra.core.admin import ReadOnlyAdmin, register_read_only
from iskra.organisation.models import (
    Body,
    Organisation,
    Seat,
    SeatHolding,
    Unit,
    UnitKind,
    UnitMove,
)


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "path"]
    search_fields = ["name"]


@admin.register(Seat)
class SeatAdmin(ReadOnlyAdmin):
    list_display = ["title", "body", "role", "grants_officer_rights"]


@admin.register(SeatHolding)
class SeatHoldingAdmin(ReadOnlyAdmin):
    list_display = ["seat", "holder", "started_on", "ended_on"]


register_read_only(Organisation, UnitKind, Body, UnitMove)

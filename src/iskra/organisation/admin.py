from django.contrib import admin

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
class UnitAdmin(admin.ModelAdmin[Unit]):
    list_display = ["name", "kind", "path"]
    search_fields = ["name"]
    readonly_fields = ["path", "depth"]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin[Seat]):
    list_display = ["title", "body", "role", "grants_officer_rights"]


@admin.register(SeatHolding)
class SeatHoldingAdmin(admin.ModelAdmin[SeatHolding]):
    list_display = ["seat", "holder", "started_on", "ended_on"]


admin.site.register([Organisation, UnitKind, Body, UnitMove])

from django.contrib import admin

from iskra.core.admin import ReadOnlyAdmin, register_read_only
from iskra.members.models import (
    Application,
    DisciplinaryCase,
    Membership,
    MembershipEvent,
    Transfer,
)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "unit", "status", "number"]
    list_filter = ["status"]
    search_fields = ["user__full_name", "user__email", "number"]


register_read_only(MembershipEvent, Application, Transfer, DisciplinaryCase)

from django.contrib import admin

from iskra.members.models import (
    Application,
    DisciplinaryCase,
    Membership,
    MembershipEvent,
    Transfer,
)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "unit", "status", "number"]
    list_filter = ["status"]
    search_fields = ["user__full_name", "user__email", "number"]


admin.site.register([MembershipEvent, Application, Transfer, DisciplinaryCase])

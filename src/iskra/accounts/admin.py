from django.contrib import admin

from iskra.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "full_name", "is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    exclude = ["password"]

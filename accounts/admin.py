from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminSignInForm
from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Profile"), {"fields": ("gender",)}))
    list_display = ("username", "first_name", "last_name", "gender", "is_staff")
    list_filter = (*BaseUserAdmin.list_filter, "gender")


admin.site.login_form = AdminSignInForm

"""The user and group admin, guarded so that no one grants a privilege he does not hold.

Administrators manage the newsroom's accounts without being superusers. They neither see nor
change `is_superuser`; they give only the groups and permissions they hold themselves (the
others an account has stay as they were); and a superuser's account, password included, is
not theirs to change.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Q, QuerySet

User = get_user_model()


def grantable_permissions(user) -> QuerySet[Permission]:
    """The permissions `user` may give: every one for a superuser, else those he holds himself,
    directly or through a group (a subquery, no query of its own)."""
    if user.is_superuser:
        return Permission.objects.all()
    held = Permission.objects.filter(Q(user=user) | Q(group__user=user)).values("pk")
    return Permission.objects.filter(pk__in=held)


def grantable_groups(user) -> QuerySet[Group]:
    """The groups `user` may give: those whose every permission he may give."""
    if user.is_superuser:
        return Group.objects.all()
    beyond = Permission.objects.exclude(pk__in=grantable_permissions(user).values("pk"))
    return Group.objects.exclude(permissions__in=beyond)


class GrantsOnlyWhatIsHeld:
    """Many-to-many fields of privileges offer only what the person editing holds; on saving,
    what the record held beyond that is kept as it was (he could neither see nor grant it)."""

    # {field name: function(user) -> the queryset of what he may grant}
    granted_fields: dict = {}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        grantable = self.granted_fields.get(db_field.name)
        if grantable is not None:
            kwargs["queryset"] = grantable(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        kept = {}
        if change:
            for name, grantable in self.granted_fields.items():
                held = getattr(form.instance, name).exclude(pk__in=grantable(request.user))
                kept[name] = list(held)
        super().save_related(request, form, formsets, change)
        for name, records in kept.items():
            getattr(form.instance, name).add(*records)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class NewsroomUserAdmin(GrantsOnlyWhatIsHeld, UserAdmin):
    granted_fields = {"groups": grantable_groups, "user_permissions": grantable_permissions}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Not shown, so not in the form: a posted is_superuser is ignored.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "is_superuser"]})
            for name, options in fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False  # a superuser's account (and password) is changed by a superuser
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Group)
class NewsroomGroupAdmin(GrantsOnlyWhatIsHeld, GroupAdmin):
    granted_fields = {"permissions": grantable_permissions}

"""Reference data of the network, kept by administrators."""

from django.contrib import admin

from .models import CapacityUnit, ServiceKind, TargetGroup


@admin.register(ServiceKind)
class ServiceKindAdmin(admin.ModelAdmin):
    list_display = ("paragraph", "name", "group", "position")
    list_filter = ("group",)


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "position")


@admin.register(CapacityUnit)
class CapacityUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "position")

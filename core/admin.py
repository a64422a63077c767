from django.contrib import admin

from .models import AuditEntry, PendingImport


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PendingImport)
class PendingImportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "created_by", "importer", "file_name", "state")
    list_filter = ("importer", "state")
    search_fields = ("file_name",)
    exclude = ("session",)
    readonly_fields = [f.name for f in PendingImport._meta.fields if f.name != "session"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

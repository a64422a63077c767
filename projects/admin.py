from django.contrib import admin

from .models import Call, Programme, StatedTotal


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "eu_fund", "registration_number_example")


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("__str__", "programme", "initiative")
    list_filter = ("programme",)


@admin.register(StatedTotal)
class StatedTotalAdmin(admin.ModelAdmin):
    list_display = ("label", "source", "amount", "programme", "initiative", "plan")

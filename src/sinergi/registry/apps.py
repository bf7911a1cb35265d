from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "sinergi.registry"
    label = "registry"
    verbose_name = _("Government registry")

    def ready(self) -> None:
        from sinergi.core.memo import forget_when_changed
        from sinergi.registry.models import Appointment, Position

        # A request memoises its caller's appointments, with each position's agency.
        forget_when_changed(Appointment, Position)

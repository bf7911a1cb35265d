from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "sinergi.registry"
    label = "registry"
    verbose_name = _("Government registry")

    def ready(self) -> None:
        from sinergi.core.memo import forget
        from sinergi.registry.models import Appointment, Position

        def changed(**_kwargs: object) -> None:
            """An appointment or a position changed: what the request read of them is stale."""
            forget()

        for model in (Appointment, Position):
            post_save.connect(
                changed, sender=model, dispatch_uid=f"memo-{model.__name__}-save", weak=False
            )
            post_delete.connect(
                changed, sender=model, dispatch_uid=f"memo-{model.__name__}-del", weak=False
            )

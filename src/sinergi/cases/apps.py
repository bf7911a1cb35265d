from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sinergi.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from sinergi.core.periodic import register

        def enqueue_sweep() -> object:
            from sinergi.cases.tasks import sweep_sla

            return sweep_sla.enqueue()

        register("sla-sweep", timedelta(minutes=1))(enqueue_sweep)

        from django.db.models.signals import post_delete, post_save

        from sinergi.cases.models import JointLeaveDay
        from sinergi.core.memo import forget

        def calendar_changed(**_kwargs: object) -> None:
            """A joint-leave day changed: the request reads the calendar again."""
            forget()

        post_save.connect(
            calendar_changed, sender=JointLeaveDay, dispatch_uid="memo-leave-save", weak=False
        )
        post_delete.connect(
            calendar_changed, sender=JointLeaveDay, dispatch_uid="memo-leave-del", weak=False
        )

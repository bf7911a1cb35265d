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

        from sinergi.cases.models import JointLeaveDay
        from sinergi.core.memo import forget_when_changed

        forget_when_changed(JointLeaveDay)  # a request memoises the working calendar

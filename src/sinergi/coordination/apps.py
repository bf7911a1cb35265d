from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "sinergi.coordination"
    label = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from sinergi.core.periodic import register

        def enqueue_escalation() -> object:
            from sinergi.coordination.tasks import escalate_action_items

            return escalate_action_items.enqueue()

        register("action-item-escalation", timedelta(minutes=15))(enqueue_escalation)

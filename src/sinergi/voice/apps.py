from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "sinergi.voice"
    label = "voice"
    verbose_name = _("Citizens' voice")

    def ready(self) -> None:
        from sinergi.core.periodic import register

        def enqueue_sweep() -> object:
            from sinergi.voice.tasks import sweep_complaints_task

            return sweep_complaints_task.enqueue()

        register("complaint-sweep", timedelta(minutes=1))(enqueue_sweep)

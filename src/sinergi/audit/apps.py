from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "sinergi.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from sinergi.core.periodic import register

        def publish_head() -> object:
            from sinergi.audit.transparency import publish_head

            return publish_head()

        # Hourly, though a head is published once a day: publishing is idempotent per day, and
        # a daily period would drift (each run a little later than the last) until a run
        # crossed midnight and skipped a day. The first run of each day publishes that day's.
        register("audit-head", timedelta(hours=1))(publish_head)

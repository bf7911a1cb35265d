from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sinergi.core"
    label = "core"
    verbose_name = "Sinergi"

    def ready(self) -> None:
        from sinergi.core import jobs  # noqa: F401  (registers the periodic jobs)

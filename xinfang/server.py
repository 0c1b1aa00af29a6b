"""Run the Flask app under gunicorn from Python, so `xinfang web` needs no separate config file."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from xinfang.core.config import Settings


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings, options: dict[str, object]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # noqa: ANN201
        from xinfang.web import create_app  # start-up: the web app loads only when gunicorn starts it

        return create_app(self.settings)


def serve(settings: Settings, host: str, port: int, workers: int = 2, threads: int = 4) -> None:
    settings.secret_key  # noqa: B018  (create the key file before the workers fork)
    _Gunicorn(settings, {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                         "worker_class": "gthread", "timeout": 120, "accesslog": "-"}).run()

"""The Flask app factory: the web UI and JSON API of the letter desk."""

from __future__ import annotations

from typing import Any

from flask import Flask, g

from xinfang.core.config import Settings, load_settings
from xinfang.web import admin, api, auth, batch, clerk, correction, reopen, reports, review
from xinfang.web.errors import register_errors
from xinfang.web.extensions import csrf, login_manager
from xinfang.web.filters import register_filters
from xinfang.web.security import install as install_security


def create_app(settings: Settings | None = None, test_config: dict[str, Any] | None = None) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_upload_bytes * 4,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        XINFANG=settings,
    )
    if test_config:
        app.config.update(test_config)


    csrf.init_app(app)
    login_manager.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(clerk.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(batch.bp)
    app.register_blueprint(correction.bp)
    app.register_blueprint(admin.bp)
    reopen.register(app)
    csrf.exempt(api.bp)


    register_filters(app)

    @app.teardown_appcontext
    def close_db(_exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            session.close()


    register_errors(app)
    install_security(app, settings)

    @app.get("/favicon.ico")
    def favicon():  # noqa: ANN202
        """Browsers ask for /favicon.ico before reading the page's icon link."""
        return app.send_static_file("favicon.svg")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app

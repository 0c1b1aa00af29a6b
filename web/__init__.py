"""The Flask app factory: the web UI and JSON API of the letter desk."""

from __future__ import annotations

from typing import Any

from flask import Flask, g

from xinfang.core.config import Settings, load_settings


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

    from xinfang.web import admin, api, auth, batch, clerk, reopen, reports, review
    from xinfang.web.extensions import csrf, login_manager

    csrf.init_app(app)
    login_manager.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(clerk.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(batch.bp)
    app.register_blueprint(admin.bp)
    reopen.register(app)
    csrf.exempt(api.bp)

    from xinfang.web.filters import register_filters

    register_filters(app)

    @app.teardown_appcontext
    def close_db(_exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            session.close()

    _register_errors(app)

    @app.get("/favicon.ico")
    def favicon():  # noqa: ANN202
        """Browsers ask for /favicon.ico before reading the page's icon link."""
        return app.send_static_file("favicon.svg")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


ERRORS = {
    400: ("请求无效", "页面已过期或表单不完整。请刷新页面后重试。"),
    403: ("没有权限", "您的角色不能打开这个页面。如需权限，请联系系统管理员。"),
    404: ("找不到", "没有这封信件或这个页面，或者它不在您的查看范围内。"),
}


def _register_errors(app: Flask) -> None:
    """Errors in Chinese, in the desk's layout; the API answers in JSON. A hidden letter is a plain 404."""
    from flask import jsonify, render_template, request
    from werkzeug.exceptions import HTTPException

    def handle(exc: HTTPException):  # noqa: ANN202
        code = exc.code or 500
        title, message = ERRORS.get(code, ("出错了", exc.description or ""))
        if code == 400 and "CSRF" in (exc.description or ""):
            message = f"{message}（CSRF token missing or invalid）"
        if request.path.startswith("/api/"):
            return jsonify({"error": exc.name.lower().replace(" ", "_"), "message": message}), code
        return render_template("error.html", code=code, title=title, message=message), code

    for code in ERRORS:
        app.register_error_handler(code, handle)

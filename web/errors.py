"""Errors as the user meets them: in Chinese in the desk's layout, and always JSON under /api/.

Every HTTP error and every unexpected exception goes through here, so no request answers with
Werkzeug's English HTML page or a traceback, and an API client can always parse the body.
A hidden letter is a plain 404.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

PAGES = {
    400: ("请求无效", "页面已过期或表单不完整。请刷新页面后重试。"),
    401: ("需要登录", "请先登录。"),
    403: ("没有权限", "您的角色不能打开这个页面。如需权限，请联系系统管理员。"),
    404: ("找不到", "没有这封信件或这个页面，或者它不在您的查看范围内。"),
    405: ("操作方式不对", "这个地址不接受这种请求方式。请从页面上的按钮或链接操作。"),
    409: ("已被他人处理", "这封信已被他人处理。请刷新页面。"),
    413: ("文件太大", "上传的内容超过了大小上限。请拆分文件或降低扫描分辨率后重新上传。"),
    429: ("尝试次数过多", "请稍后再试。"),
    500: ("出错了", "服务器处理这个请求时出错，已记录。请稍后重试；如果一再出现，请联系系统管理员。"),
}


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _message(exc: HTTPException) -> str:
    """The view's own description if it gave one (abort(400, description=...)), else the page's text."""
    code = exc.code or 500
    default = PAGES.get(code, ("", ""))[1]
    described = exc.description and exc.description != type(exc).description
    message = (exc.description or "") if described else default or (exc.description or "")
    if code == 400 and "CSRF" in (exc.description or ""):
        message = f"{default}（CSRF token missing or invalid）"
    return message


def http_error(exc: HTTPException):  # noqa: ANN201
    code = exc.code or 500
    message = _message(exc)
    if _is_api():
        response = jsonify({"error": (exc.name or "error").lower().replace(" ", "_"), "message": message})
        response.status_code = code
        allowed = getattr(exc, "valid_methods", None)
        if code == 405 and allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response
    title = PAGES.get(code, ("出错了", ""))[0]
    return render_template("error.html", code=code, title=title, message=message), code


def unexpected_error(exc: Exception):  # noqa: ANN201
    if isinstance(exc, HTTPException):
        return http_error(exc)
    log.exception("unexpected error on %s %s", request.method, request.path)
    session = g.get("db")
    if session is not None:  # a failed statement leaves a PostgreSQL transaction unusable for the page
        session.rollback()
    return http_error(InternalServerError())


def register_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)

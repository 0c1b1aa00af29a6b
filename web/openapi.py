"""The API's OpenAPI 3.1 description, written by hand next to the code it describes.

tests/test_api.py checks that every /api route of the app appears here and every path here is a route,
so the description cannot drift from the code unnoticed.
"""

from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {"401": _json(_ref("Error"), "未登录或令牌无效"), "403": _json(_ref("Error"), "角色无权限"),
          "404": _json(_ref("Error"), "信件不存在，或对您不可见（揭发控告件不向被反映单位显示）")}
LETTER_ID = {"name": "letter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
DATE_RANGE = [{"name": "start", "in": "query", "schema": {"type": "string", "format": "date"}},
              {"name": "end", "in": "query", "schema": {"type": "string", "format": "date"}}]
QUEUE_FILTERS = [{"name": name, "in": "query", "schema": {"type": "string"}, "description": text} for name, text in (
    ("status", "review (default) | confirmed | failed"), ("category", "内容分类"), ("purpose", "信访目的"),
    ("department", "责任单位"), ("repeat", "yes | no"), ("low", "1: low-confidence suggestions only"),
    ("township", "乡镇 (substring)"), ("date_from", "received on or after (YYYY-MM-DD)"),
    ("date_to", "received on or before"), ("q", "search in the text, name, external id"))] + [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}}]


def spec() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "xinfang letter desk API", "version": "1",
                 "description": "信访件登记与分流. Authenticate with `Authorization: Bearer <token>` "
                                "(`xinfang token create USERNAME`). Identity numbers and phones are masked for "
                                "roles that do not need them; letters hidden from a user answer 404. Every error "
                                "answers JSON {error, message}; an expired token answers 401."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"],
                          "properties": {"error": {"type": "string"}, "message": {"type": "string"}}},
                "Letter": {"type": "object", "description": "The export record (xinfang/records.py).",
                           "properties": {
                               "id": {"type": "integer"}, "external_id": {"type": ["string", "null"]},
                               "original_name": {"type": ["string", "null"]}, "status": {"type": "string"},
                               "failure": {"type": ["object", "null"]}, "text": {"type": ["string", "null"]},
                               "fields": {"type": "object"}, "suggestions": {"type": ["object", "null"]},
                               "confirmed": {"type": ["object", "null"]}, "repeat_of": {"type": ["object", "null"]},
                               "received_date": {"type": "string", "format": "date"}, "form": {"type": "string"},
                               "urgent": {"type": "boolean"}}},
                "Review": {"type": "object", "required": ["category", "purpose", "department"],
                           "properties": {"category": {"type": "string"}, "purpose": {"type": "string"},
                                          "department": {"type": "string"}, "is_repeat": {"type": "boolean"},
                                          "fields": {"type": "object", "additionalProperties": {
                                              "type": ["string", "null"]},
                                              "description": "corrected fields: name, id_number, phone, address, "
                                                             "township, village, accused"}}},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/openapi.json": {"get": {"summary": "This description", "security": [],
                                          "responses": {"200": _json({"type": "object"})}}},
            "/api/me": {"get": {"summary": "The authenticated user", "responses": {"200": _json({
                "type": "object", "properties": {"id": {"type": "integer"}, "username": {"type": "string"},
                                                 "role": {"type": "string"}, "unit": {"type": ["string", "null"]}}}),
                **ERRORS}}},
            "/api/letters": {"post": {
                "summary": "Upload files (clerk, reviewer); each becomes one or more letters and is queued",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "properties": {"files": {"type": "array", "items": {
                        "type": "string", "format": "binary"}}}}}}},
                "responses": {"201": _json({"type": "object", "properties": {
                    "letter_ids": {"type": "array", "items": {"type": "integer"}},
                    "duplicates": {"type": "array", "items": {"type": "object"}},
                    "warning": {"type": ["string", "null"]}}}), "400": _json(_ref("Error")), **ERRORS}}},
            "/api/letters/status": {"get": {
                "summary": "Status of up to 500 letters", "parameters": [
                    {"name": "ids", "in": "query", "required": True, "schema": {"type": "string"},
                     "description": "comma-separated letter ids"}],
                "responses": {"200": _json({"type": "object", "additionalProperties": {"type": "object", "properties": {
                    "status": {"type": "string"}, "failure_stage": {"type": ["string", "null"]},
                    "failure_reason": {"type": ["string", "null"]}}}}), **ERRORS}}},
            "/api/letters/{letter_id}": {"get": {
                "summary": "One letter (the view is recorded in the audit trail)", "parameters": [LETTER_ID],
                "responses": {"200": _json(_ref("Letter")), **ERRORS}}},
            "/api/letters/{letter_id}/suggestions": {"get": {
                "summary": "Routing suggestion with probabilities and the words behind it; the repeat link",
                "parameters": [LETTER_ID], "responses": {"200": _json({"type": "object"}), **ERRORS}}},
            "/api/letters/{letter_id}/review": {"post": {
                "summary": "Confirm or correct the routing (reviewer)", "parameters": [LETTER_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Review")}}},
                "responses": {"200": _json({"type": "object", "properties": {
                    "letter_id": {"type": "integer"}, "status": {"type": "string"},
                    "action": {"type": "string", "enum": ["confirm", "correct"]},
                    "before": {"type": "object"}, "after": {"type": "object"}}}),
                    "400": _json(_ref("Error"), "请求体不是对象，或分类、目的、责任单位不在本单位的列表中"),
                    "409": _json(_ref("Error"), "不在待审队列，或已由他人确认（already_handled）"), **ERRORS}}},
            "/api/letters/{letter_id}/rescan": {"post": {
                "summary": "Send back for rescanning (reviewer)", "parameters": [LETTER_ID],
                "requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"reason": {"type": "string"}}}}}},
                "responses": {"200": _json({"type": "object"}), "409": _json(_ref("Error")), **ERRORS}}},
            "/api/letters/{letter_id}/retry": {"post": {
                "summary": "Queue a failed letter again (clerk, reviewer)", "parameters": [LETTER_ID],
                "responses": {"200": _json({"type": "object"}),
                              "409": _json(_ref("Error"), "不是失败的信件，或失败原因在文件本身（not_retryable）"),
                              "503": _json(_ref("Error")), **ERRORS}}},
            "/api/queue": {"get": {
                "summary": "The review queue: urgent first, then by routing deadline (reviewer, supervisor)",
                "parameters": QUEUE_FILTERS, "responses": {"200": _json({"type": "object", "properties": {
                    "total": {"type": "integer"}, "total_is_lower_bound": {"type": "boolean"},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"},
                    "items": {"type": "array", "items": {"type": "object"}}}}), **ERRORS}}},
            "/api/backlog": {"get": {
                "summary": "Counts by stage, throughput and time remaining",
                "responses": {"200": _json({"type": "object", "properties": {
                    "counts": {"type": "object"}, "pending": {"type": "integer"}, "per_hour": {"type": "number"},
                    "minutes_left": {"type": ["number", "null"]}}}), **ERRORS}}},
            "/api/stats": {"get": {
                "summary": "Statistics for a period (supervisor), with the report paragraph",
                "parameters": DATE_RANGE, "responses": {"400": _json(_ref("Error"), "日期格式不对或超出范围"),
                                                        "200": _json({"type": "object", "properties": {
                    "total": {"type": "integer"}, "tables": {"type": "object"}, "collective": {"type": "object"},
                    "repeats": {"type": "object"}, "routing": {"type": "object"}, "last_year": {"type": "object"},
                    "summary": {"type": "string"}}}), **ERRORS}}},
        },
    }

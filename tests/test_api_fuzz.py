"""Property-based run of the served OpenAPI description (schemathesis): no input makes the API answer 5xx,
and every answer is JSON. Real app, real PostgreSQL (stricter than SQLite: NUL bytes, integer ranges,
column widths), real Redis for uploads; bounded to a few dozen examples per operation."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from sqlalchemy import select

from bench.synthetic import link_repeat, make_letter
from tests.conftest import make_settings
from tests.webutil import add_user
from xinfang.models import User
from xinfang.models.db import session_scope, upgrade
from xinfang.web import create_app
from xinfang.web.tokens import make_token

EXAMPLES_PER_OPERATION = 30  # per operation, for valid and for invalid input each
schemathesis.experimental.OPEN_API_3_1.enable()  # web/openapi.py serves OpenAPI 3.1


@pytest.fixture
def fuzz_app(postgres_url, redis_url, tmp_path):
    settings = make_settings(tmp_path / "var", postgres_url, redis_url=redis_url)
    upgrade(settings.database_url)
    add_user(settings, "admin", "admin")
    add_user(settings, "town", "reviewer", unit="清河镇人民政府")
    with session_scope(settings.database_url) as s:
        letters = [make_letter(s) for _ in range(4)]
        report = make_letter(s, purpose="揭发控告", accused="清河镇人民政府")
        link_repeat(s, letters[1], letters[0], passages=[["拖欠工资", "拖欠工资"]])
        link_repeat(s, letters[2], report, passages=[["工资", "工资"]])
        admin_id = s.scalar(select(User.id).where(User.username == "admin"))
    app = create_app(settings)
    app.config["FUZZ_TOKEN"] = make_token(app.config["SECRET_KEY"], admin_id)
    return app


@pytest.fixture
def api_schema(fuzz_app):
    # Inputs the description allows and inputs it does not (wrong types, missing fields): neither may 5xx.
    return schemathesis.from_wsgi("/api/openapi.json", fuzz_app,
                                  data_generation_methods=schemathesis.DataGenerationMethod.all())


schema = schemathesis.from_pytest_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_no_input_makes_the_api_answer_5xx(case, fuzz_app):
    if case.media_type == "multipart/form-data" and not isinstance(case.body, dict | None):
        # Werkzeug's test client cannot even encode a multipart body that is a list or a number (the
        # failure is in the client, before the app): a browser cannot send one either.
        hypothesis.reject()
    headers = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKEN']}"}
    response = case.call_wsgi(headers=headers)
    case.validate_response(response, checks=(not_a_server_error,))
    assert response.headers["Content-Type"].startswith("application/json"), (case.path, response.status_code)

"""The Alembic migrations build exactly the schema the ORM declares, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from xinfang.core.config import Settings
from xinfang.models import Base
from xinfang.models.db import get_engine

# Indexes with an expression (urgent DESC): SQLAlchemy cannot reflect them, so autogenerate sees a phantom diff.
EXPRESSION_INDEXES = {"ix_letters_queue"}


def _real(change: tuple) -> bool:
    return not (change[0] in ("add_index", "remove_index") and change[1].name in EXPRESSION_INDEXES)


def test_migrations_match_the_models(db_settings: Settings) -> None:
    engine = get_engine(db_settings.database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = [change for change in compare_metadata(context, Base.metadata) if _real(change)]
    assert diff == [], f"a model change has no migration: {diff}"


def test_the_queue_index_is_created_by_the_migrations(db_settings: Settings) -> None:
    engine = get_engine(db_settings.database_url)
    query = ("SELECT name FROM sqlite_master WHERE type = 'index'" if engine.dialect.name == "sqlite"
             else "SELECT indexname FROM pg_indexes WHERE tablename = 'letters'")
    with engine.connect() as conn:
        names = set(conn.execute(text(query)).scalars())
    assert names >= EXPRESSION_INDEXES

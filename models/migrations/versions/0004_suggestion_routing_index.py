"""suggestions: covering index for the queue's routing filters

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 17:40:00
"""

from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_suggestions_routing', 'suggestions', ['letter_id', 'department', 'category', 'purpose'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_suggestions_routing', table_name='suggestions')

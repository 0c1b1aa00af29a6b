"""review queue index: status, urgent first, oldest first

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 16:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_letters_queue', 'letters',
                    ['status', sa.text('urgent DESC'), 'received_date', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_letters_queue', table_name='letters')

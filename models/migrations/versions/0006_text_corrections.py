"""text corrections: corrected text and hand transcription on letters, line corrections with their author

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:30:00
"""

import sqlalchemy as sa
from alembic import op



revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('letters', sa.Column('corrected_text', sa.Text(), nullable=True))
    op.add_column('letters', sa.Column('transcribed_by_hand', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.create_table(
        'text_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.Integer(), nullable=False),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=20), nullable=True),
        sa.Column('before', sa.Text(), nullable=False),
        sa.Column('after', sa.Text(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_text_corrections_line', 'text_corrections', ['letter_id', 'page', 'line'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_text_corrections_line', table_name='text_corrections')
    op.drop_table('text_corrections')
    op.drop_column('letters', 'transcribed_by_hand')
    op.drop_column('letters', 'corrected_text')

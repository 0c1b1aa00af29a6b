"""repeat-filing index: petitioners, matter groups, signatures, identity keys, LSH bands

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('repeat_petitioners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('first_letter_id', sa.Integer(), nullable=True),
    sa.Column('letter_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repeat_petitioners'))
    )
    with op.batch_alter_table('repeat_petitioners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repeat_petitioners_id_number'), ['id_number'], unique=False)

    op.create_table('repeat_matter_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_letter_id', sa.Integer(), nullable=True),
    sa.Column('letter_count', sa.Integer(), nullable=False),
    sa.Column('people_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repeat_matter_groups'))
    )
    op.create_table('repeat_signatures',
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('minhash', sa.LargeBinary(), nullable=False),
    sa.Column('identity', sa.JSON(), nullable=False),
    sa.Column('entities', sa.JSON(), nullable=False),
    sa.Column('petitioner_id', sa.Integer(), nullable=True),
    sa.Column('matter_group_id', sa.Integer(), nullable=True),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('indexed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_repeat_signatures_letter_id_letters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('letter_id', name=op.f('pk_repeat_signatures'))
    )
    with op.batch_alter_table('repeat_signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repeat_signatures_petitioner_id'), ['petitioner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repeat_signatures_matter_group_id'), ['matter_group_id'], unique=False)

    op.create_table('repeat_keys',
    sa.Column('key', sa.BigInteger(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('person', sa.SmallInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'letter_id', 'person', name=op.f('pk_repeat_keys'))
    )
    op.create_table('repeat_bands',
    sa.Column('band', sa.BigInteger(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('band', 'letter_id', name=op.f('pk_repeat_bands'))
    )


def downgrade() -> None:
    op.drop_table('repeat_bands')
    op.drop_table('repeat_keys')
    with op.batch_alter_table('repeat_signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repeat_signatures_matter_group_id'))
        batch_op.drop_index(batch_op.f('ix_repeat_signatures_petitioner_id'))

    op.drop_table('repeat_signatures')
    op.drop_table('repeat_matter_groups')
    with op.batch_alter_table('repeat_petitioners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repeat_petitioners_id_number'))

    op.drop_table('repeat_petitioners')

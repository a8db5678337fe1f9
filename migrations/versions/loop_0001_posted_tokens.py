"""used "I posted it" tokens (a random id per token, no personal data)

Revision ID: loop_0001_posted_tokens
Revises: records_change_order
Create Date: 2026-12-03 13:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'loop_0001_posted_tokens'
down_revision = 'records_change_order'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('posted_tokens',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('used_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], name=op.f('fk_posted_tokens_appeal_id_appeals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posted_tokens'))
    )
    with op.batch_alter_table('posted_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posted_tokens_appeal_id'), ['appeal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posted_tokens_used_on'), ['used_on'], unique=False)


def downgrade():
    with op.batch_alter_table('posted_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posted_tokens_used_on'))
        batch_op.drop_index(batch_op.f('ix_posted_tokens_appeal_id'))
    op.drop_table('posted_tokens')

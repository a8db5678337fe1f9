"""a staff user's language: their mail (the daily digest) is written in it

Revision ID: i18n_0001
Revises: loop_0001_posted_tokens
Create Date: 2026-12-03 13:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'i18n_0001'
down_revision = 'loop_0001_posted_tokens'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('language', sa.String(length=16), server_default='', nullable=False)
        )


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): batch mode would copy and drop
    # `users`, which the foreign keys of api_tokens and audit_events refuse.
    op.drop_column('users', 'language')

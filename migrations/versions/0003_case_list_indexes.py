"""indexes for the case list: category + public sorted by name, and name order

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 23:45:00
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(
            'ix_cases_category_public_name', ['category', 'is_public', 'full_name'], unique=False
        )
        batch_op.create_index('ix_cases_full_name', ['full_name'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_full_name')
        batch_op.drop_index('ix_cases_category_public_name')

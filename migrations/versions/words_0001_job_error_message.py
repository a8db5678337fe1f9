"""a failed job's reason as a message (msgid and parameters), worded in its reader's language

Revision ID: words_0001_job_error_message
Revises: lead_0001_totp
Create Date: 2026-12-03 19:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'words_0001_job_error_message'
down_revision = 'lead_0001_totp'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error_message', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('jobs', 'error_message')

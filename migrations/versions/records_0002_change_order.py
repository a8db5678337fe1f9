"""the order day of each status change (partial dates: "September 2020" may follow
"7 September 2020"); every existing change sorts at its effective date

Revision ID: records_change_order
Revises: custody_0001
Create Date: 2026-12-03 13:30:00
"""

import warnings

from alembic import op
import sqlalchemy as sa


revision = "records_change_order"
down_revision = "custody_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("status_changes", sa.Column("sort_on", sa.Date(), nullable=True))
    # Every change recorded so far was refused unless it was on or after the one before, so
    # its effective date is its order day.
    op.execute("UPDATE status_changes SET sort_on = effective_on")
    with warnings.catch_warnings():
        _quiet()
        with op.batch_alter_table("status_changes", schema=None) as batch_op:
            batch_op.alter_column("sort_on", existing_type=sa.Date(), nullable=False)
    op.create_index("ix_status_changes_case_sort", "status_changes", ["case_id", "sort_on"])


def downgrade():
    op.drop_index("ix_status_changes_case_sort", table_name="status_changes")
    with warnings.catch_warnings():
        _quiet()
        with op.batch_alter_table("status_changes", schema=None) as batch_op:
            batch_op.drop_column("sort_on")


def _quiet():
    # SQLite's batch mode copies status_changes; reflecting its foreign key reflects cases too,
    # whose expression index (uq_cases_reference_lower) SQLAlchemy cannot reflect and warns
    # about. That index is not touched: only status_changes is copied.
    warnings.filterwarnings("ignore", message="Skipped unsupported reflection")

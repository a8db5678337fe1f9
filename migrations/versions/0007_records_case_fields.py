"""new case fields (DESIGN.md section 5): arrest-date precision, private date of birth and its
precision (encrypted), birthday_public, who gave the detention-address consent and when

Revision ID: records_case_fields
Revises: sec_auth_2fa
Create Date: 2026-12-03 13:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = "records_case_fields"
down_revision = "sec_auth_2fa"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch copy of the table: it would drop the expression index
    # uq_cases_reference_lower on SQLite).
    op.add_column(
        "cases",
        sa.Column(
            "arrested_on_precision", sa.String(length=5), server_default="day", nullable=False
        ),
    )
    # Encrypted at rest (tracker.crypto.EncryptedDate / EncryptedText): text columns. The
    # default precision of a case with no date of birth is stored plain: it tells nothing,
    # and `tracker keys rotate` encrypts it like any plaintext it finds.
    op.add_column("cases", sa.Column("birth_date", sa.Text(), nullable=True))
    op.add_column(
        "cases", sa.Column("birth_date_precision", sa.Text(), server_default="day", nullable=False)
    )
    op.add_column(
        "cases",
        sa.Column("birthday_public", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "cases", sa.Column("consent_detention_address_by", sa.String(length=20), nullable=True)
    )
    op.add_column("cases", sa.Column("consent_detention_address_on", sa.Date(), nullable=True))


COLUMNS = (
    "consent_detention_address_on",
    "consent_detention_address_by",
    "birthday_public",
    "birth_date_precision",
    "birth_date",
    "arrested_on_precision",
)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # SQLite 3.35+ drops a column in place (no table copy, the indexes stay).
        for name in COLUMNS:
            op.execute(f"ALTER TABLE cases DROP COLUMN {name}")
        return
    for name in COLUMNS:
        op.drop_column("cases", name)

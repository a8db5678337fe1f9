"""encrypt private values at rest: private case fields and private status notes

Revision ID: sec_data_0004
Revises: 0004_house_fields
Create Date: 2026-12-02 11:00:00

No schema change: the columns stay TEXT and now hold `enc1:KID:TOKEN` (tracker.crypto).
Upgrade encrypts every plaintext value under the current data key; downgrade decrypts them.
Both run in the migration's transaction, so a crash leaves the table as it was.
"""
import sqlalchemy as sa
from alembic import op

from tracker.crypto import keyring


revision = 'sec_data_0004'
down_revision = '0004_house_fields'
branch_labels = None
depends_on = None

# As the columns were at this revision (later revisions may add more encrypted columns).
COLUMNS = [
    ('cases', 'internal_notes'),
    ('cases', 'health_notes'),
    ('cases', 'family_contacts'),
    ('cases', 'lawyer_contact'),
    ('cases', 'detention_address'),
    ('status_changes', 'note'),
]


def _convert(transform, wanted):
    bind = op.get_bind()
    for table_name, column_name in COLUMNS:
        table = sa.table(table_name, sa.column('id'), sa.column(column_name))
        column = table.c[column_name]
        rows = bind.execute(sa.select(table.c.id, column).where(column.is_not(None))).all()
        changes = [
            {'row_id': row_id, 'value': transform(value)}
            for row_id, value in rows
            if wanted(value)
        ]
        if changes:
            bind.execute(
                sa.update(table)
                .where(table.c.id == sa.bindparam('row_id'))
                .values({column_name: sa.bindparam('value')}),
                changes,
            )


def upgrade():
    # An empty value stays empty (AES-GCM would show its length, zero, all the same).
    _convert(keyring.encrypt, lambda value: value != '' and keyring.key_of(value) is None)


def downgrade():
    _convert(keyring.decrypt, lambda value: keyring.key_of(value) is not None)

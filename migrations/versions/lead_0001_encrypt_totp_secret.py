"""two-factor secrets encrypted at rest like every other private value

Revision ID: lead_0001_totp
Revises: i18n_0001
Create Date: 2026-12-03 16:20:00

`users.totp_secret` becomes TEXT (an `enc1:KID:TOKEN` value is longer than the old 64
characters) and every plaintext secret is encrypted under the current data key. Downgrade
decrypts them. On SQLite the column is replaced by plain ALTER TABLE (add, copy, drop, rename):
batch mode would copy and drop `users`, which the foreign keys of other tables refuse.
"""
import sqlalchemy as sa
from alembic import op

from tracker.crypto import keyring


revision = 'lead_0001_totp'
down_revision = 'i18n_0001'
branch_labels = None
depends_on = None


def _convert(transform, wanted):
    bind = op.get_bind()
    users = sa.table('users', sa.column('id'), sa.column('totp_secret'))
    rows = bind.execute(
        sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None))
    ).all()
    changes = [
        {'row_id': row_id, 'value': transform(value)} for row_id, value in rows if wanted(value)
    ]
    if changes:
        bind.execute(
            sa.update(users)
            .where(users.c.id == sa.bindparam('row_id'))
            .values(totp_secret=sa.bindparam('value')),
            changes,
        )


def _retype(sql_type, type_):
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.alter_column('users', 'totp_secret', type_=type_, existing_nullable=True)
        return
    op.execute(f'ALTER TABLE users ADD COLUMN totp_secret_new {sql_type}')
    op.execute('UPDATE users SET totp_secret_new = totp_secret')
    op.execute('ALTER TABLE users DROP COLUMN totp_secret')
    op.execute('ALTER TABLE users RENAME COLUMN totp_secret_new TO totp_secret')


def upgrade():
    _retype('TEXT', sa.Text())
    _convert(keyring.encrypt, lambda value: value != '' and keyring.key_of(value) is None)


def downgrade():
    _convert(keyring.decrypt, lambda value: keyring.key_of(value) is not None)
    _retype('VARCHAR(64)', sa.String(length=64))

"""two-factor sign-in (TOTP secret, recovery codes) and the client address of failed sign-ins

Revision ID: sec_auth_2fa
Revises: sec_data_0004
Create Date: 2026-12-02 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'sec_auth_2fa'
down_revision = 'sec_data_0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_codes_code_hash'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('failed_logins', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('address', sa.String(length=64), server_default='', nullable=False)
        )
        batch_op.add_column(
            sa.Column('stage', sa.String(length=10), server_default='password', nullable=False)
        )
        batch_op.create_index('ix_failed_logins_address_at', ['address', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('failed_logins', schema=None) as batch_op:
        batch_op.drop_index('ix_failed_logins_address_at')
        batch_op.drop_column('stage')
        batch_op.drop_column('address')

    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')

    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): batch mode would copy and drop
    # `users`, which the foreign keys of api_tokens and audit_events refuse.
    op.drop_column('users', 'totp_last_step')
    op.drop_column('users', 'totp_confirmed_at')
    op.drop_column('users', 'totp_secret')

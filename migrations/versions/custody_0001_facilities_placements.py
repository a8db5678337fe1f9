"""facilities, placements, hearings and letter reports (issue 13)

Revision ID: custody_0001
Revises: records_case_fields
Create Date: 2026-12-03 13:02:41.386673

"""
from alembic import op
import sqlalchemy as sa


revision = 'custody_0001'
down_revision = 'records_case_fields'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('facilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_native', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('address_lines', sa.JSON(), nullable=False),
    sa.Column('address_lines_native', sa.JSON(), nullable=False),
    sa.Column('accepts_letters', sa.Boolean(), nullable=False),
    sa.Column('address_verified_on', sa.Date(), nullable=True),
    sa.Column('letter_rules', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilities'))
    )
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.create_index('ix_facilities_country_name', ['country', 'name'], unique=False)

    op.create_table('hearings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('court', sa.String(length=300), nullable=False),
    sa.Column('public_note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_hearings_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_hearings_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearings'))
    )
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.create_index('ix_hearings_case_on', ['case_id', 'on'], unique=False)
        batch_op.create_index(batch_op.f('ix_hearings_on'), ['on'], unique=False)

    op.create_table('letter_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_letter_reports_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_letter_reports_facility_id_facilities')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_letter_reports_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_reports'))
    )
    with op.batch_alter_table('letter_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letter_reports_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_letter_reports_facility_on', ['facility_id', 'on'], unique=False)

    op.create_table('placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('facility_id', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('precision', sa.String(length=5), nullable=False),
    sa.Column('source_url', sa.String(length=2000), nullable=False),
    sa.Column('public_note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_placements_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_placements_facility_id_facilities')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_placements_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements'))
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index('ix_placements_case_effective', ['case_id', 'effective_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_facility_id'), ['facility_id'], unique=False)


def downgrade():
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placements_facility_id'))
        batch_op.drop_index('ix_placements_case_effective')

    op.drop_table('placements')
    with op.batch_alter_table('letter_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_letter_reports_facility_on')
        batch_op.drop_index(batch_op.f('ix_letter_reports_case_id'))

    op.drop_table('letter_reports')
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearings_on'))
        batch_op.drop_index('ix_hearings_case_on')

    op.drop_table('hearings')
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_index('ix_facilities_country_name')

    op.drop_table('facilities')

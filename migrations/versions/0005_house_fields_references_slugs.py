"""references unique whatever their letter case; never-published cases lose name-made slugs

Revision ID: 0004_house_fields
Revises: 0004_jobs
Create Date: 2026-12-02 11:30:00

IMP-1 and imp-1 are one case: a unique index over lower(reference). A case that is not
publishable gets a random placeholder slug (it gets its public slug, from its name at that
time, when it is published), so a hidden case's first name no longer sits in its slug.
The downgrade drops the index; placeholder slugs stay (they are valid, unique slugs).
"""
import secrets

import sqlalchemy as sa
from alembic import op


revision = '0004_house_fields'
down_revision = '0004_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'uq_cases_reference_lower', 'cases', [sa.text('lower(reference)')], unique=True
    )
    conn = op.get_bind()
    cases = sa.table(
        'cases',
        sa.column('id', sa.Integer),
        sa.column('slug', sa.String),
        sa.column('is_public', sa.Boolean),
        sa.column('consent_publicity', sa.Boolean),
    )
    hidden = conn.execute(
        sa.select(cases.c.id).where(
            sa.not_(sa.and_(cases.c.is_public.is_(True), cases.c.consent_publicity.is_(True)))
        )
    ).scalars().all()
    for case_id in hidden:
        conn.execute(
            cases.update().where(cases.c.id == case_id).values(slug='_' + secrets.token_hex(8))
        )


def downgrade():
    op.drop_index('uq_cases_reference_lower', table_name='cases')

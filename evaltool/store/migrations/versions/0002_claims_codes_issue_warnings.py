"""claims with a lease, findings as code + params, 填报日期 on returns, issue-time warnings

- ``files.claimed_at``: when the run in ``files.run`` claimed the content (the database's
  clock); a ``processing`` claim older than the lease may be taken over.
- ``returns.fill_date``: the cover's 填报日期, so the latest return of a unit can be decided
  across runs from the store alone.
- ``findings.code`` / ``findings.params``: the finding as data, rendered in the reader's
  language when read. Rows written before this revision keep their rendered ``message`` and
  an empty ``code`` (shown as they were recorded).
- ``issue_warnings``: what ``campaign issue`` warned about a unit (TGT-HIST …).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fill_date', sa.DateTime(), nullable=True))
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
    op.create_table('issue_warnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('unit_code', sa.String(length=100), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('params', sa.JSON(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('issue_warnings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issue_warnings_campaign_id'), ['campaign_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('issue_warnings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issue_warnings_campaign_id'))
    op.drop_table('issue_warnings')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('code')
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_column('fill_date')
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')

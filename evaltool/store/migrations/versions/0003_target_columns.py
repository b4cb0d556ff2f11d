"""targets keep every column of the targets file (docs/targets.md): row, unit name, kind, method, weight, note

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_TEXT = ("unit_name", "kind", "method", "weight", "note")


def upgrade() -> None:
    with op.batch_alter_table('targets') as batch:
        batch.add_column(sa.Column('line', sa.Integer(), nullable=False, server_default='0'))
        for name in _TEXT:
            batch.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('targets') as batch:
        for name in reversed(_TEXT):
            batch.drop_column(name)
        batch.drop_column('line')

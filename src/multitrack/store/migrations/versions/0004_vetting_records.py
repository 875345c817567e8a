"""vetting records

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 08:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vetting",
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("classification", sa.Integer(), server_default="0", nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("releasable_to_all", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["organisation.id"],
            name=op.f("fk_vetting_owner_id_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["actor.id"],
            name=op.f("fk_vetting_subject_id_actor"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting")),
    )
    with op.batch_alter_table("vetting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vetting_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_vetting_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vetting_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_vetting_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vetting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vetting_subject_id"))
        batch_op.drop_index(batch_op.f("ix_vetting_status"))
        batch_op.drop_index(batch_op.f("ix_vetting_owner_id"))
        batch_op.drop_index(batch_op.f("ix_vetting_date"))

    op.drop_table("vetting")

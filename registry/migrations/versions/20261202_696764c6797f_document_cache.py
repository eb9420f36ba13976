"""document cache: rendered PDFs keyed by what they were made from, readable by every instance

Revision ID: 696764c6797f
Revises: 9d803ad80daf
Create Date: 2026-12-02 03:16:21.019908

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


# revision identifiers, used by Alembic.
revision: str = '696764c6797f'
down_revision: Union[str, None] = '9d803ad80daf'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('document',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('agreement_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('from_revision', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id', 'revision'], ['agreement_revision.agreement_id', 'agreement_revision.revision'], name='fk_document_revision'),
    sa.PrimaryKeyConstraint('key')
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_agreement', ['agreement_id', 'revision'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_agreement')

    op.drop_table('document')

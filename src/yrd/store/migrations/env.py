"""Alembic environment: migrations run on the connection the store hands over (no alembic.ini needed)."""
from alembic import context

from yrd.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # `alembic revision --autogenerate` from a maintainer's shell
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()

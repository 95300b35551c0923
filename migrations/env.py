"""Alembic environment: the target metadata is the portal's models.

Migrations are history, so the files it writes never import the app: `render_item` spells the
portal's column types in plain SQLAlchemy (`UTCDateTime` only converts values in Python; its DDL
is `DateTime(timezone=True)`), and `tests/test_layout.py` refuses a version file that imports
`portal`.
"""

from alembic import context
from sqlalchemy import engine_from_config, pool

from portal.models import Base
from portal.models.base import UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Write `UTCDateTime` columns as `sa.DateTime(timezone=True)`, so no migration imports the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


CONFIGURE = {"target_metadata": target_metadata, "render_as_batch": True, "render_item": render_item}


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **CONFIGURE)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        connectable = engine_from_config(
            config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
    with connectable.connect() as connection:
        context.configure(connection=connection, compare_type=True, **CONFIGURE)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

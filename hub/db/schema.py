"""All tables, for migrations and schema checks: importing this registers every table module."""

from __future__ import annotations

from hub.agent_console import macros  # noqa: F401  (registers its table)
from hub.customers import tables as customer_tables  # noqa: F401  (registers its tables)
from hub.db import models  # noqa: F401  (registers its tables)
from hub.db.base import Base
from hub.knowledge import tables  # noqa: F401  (registers its tables)
from hub.signin import tables as signin_tables  # noqa: F401  (registers its tables)

metadata = Base.metadata

"""All ORM models; importing this package registers every table on `Base.metadata`.

Each capability keeps its tables in its own module.
"""

from rcdesk.models import core, cpccs, events, followup, plans, poa, reference, sync  # noqa: F401  # noqa: F401

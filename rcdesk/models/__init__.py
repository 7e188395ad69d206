"""All ORM models; importing this package registers every table on `Base.metadata`.

Each capability keeps its tables in its own module.
"""
from rcdesk.models import core, plans, reference  # noqa: F401
from rcdesk.models import followup, poa, events, sync, cpccs  # noqa: F401

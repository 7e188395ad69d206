"""Layout importers: one `SheetParser` subclass per layout, plus the lossless generic layout."""

from __future__ import annotations

from rcdesk.plans.importers.cpccs import CpccsParser
from rcdesk.plans.importers.dated import DatedParser
from rcdesk.plans.importers.murc import MurcParser
from rcdesk.plans.importers.paac import PaacParser

PARSERS = {
    "cpccs": CpccsParser,
    "murc": MurcParser,
    "dated": DatedParser,
    "paac": PaacParser,
}

__all__ = ["PARSERS", "CpccsParser", "MurcParser", "DatedParser", "PaacParser"]

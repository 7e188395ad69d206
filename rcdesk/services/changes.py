"""What a service call changed, so each view can decide whether to refresh."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    plans: bool = False
    activities: bool = False
    reference: bool = False
    followup: bool = False
    poa: bool = False
    events: bool = False
    sync: bool = False
    everything: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{k: getattr(self, k) or getattr(other, k) for k in self.__dataclass_fields__})


EVERYTHING = Changes(everything=True)

"""Traffic-light profiles as editable data (setting `compliance.profiles`).

The shipped profiles (CO-PAAC, EC-POA) are used until the user saves their own version;
`reset()` returns to them. Which profile a plan uses defaults to its country's
(`compliance.default_profiles` maps EC/CO → profile code).
"""
from __future__ import annotations

import json

from rcdesk.compliance import DEFAULT_PROFILE_BY_COUNTRY, DEFAULT_PROFILES, ThresholdProfile
from rcdesk.db.database import Database
from rcdesk.errors import NotFound, UserError
from rcdesk.models.core import Setting

PROFILES_KEY = "compliance.profiles"
DEFAULTS_KEY = "compliance.default_profiles"


class ThresholdService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def profiles(self) -> list[ThresholdProfile]:
        with self.db.session() as s:
            row = s.get(Setting, PROFILES_KEY)
            if row is None:
                return list(DEFAULT_PROFILES)
            return [ThresholdProfile.from_json(p) for p in json.loads(row.value)]

    def profile(self, code: str) -> ThresholdProfile:
        for p in self.profiles():
            if p.code == code:
                return p
        raise NotFound(f"No existe el perfil de semáforo «{code}».")

    def profile_for_country(self, country: str) -> ThresholdProfile:
        with self.db.session() as s:
            row = s.get(Setting, DEFAULTS_KEY)
            mapping = json.loads(row.value) if row else dict(DEFAULT_PROFILE_BY_COUNTRY)
        code = mapping.get(country, DEFAULT_PROFILE_BY_COUNTRY.get(country, "EC-POA"))
        try:
            return self.profile(code)
        except NotFound:
            return self.profiles()[0]

    def set_country_default(self, country: str, code: str) -> None:
        self.profile(code)  # must exist
        with self.db.begin() as s:
            row = s.get(Setting, DEFAULTS_KEY)
            mapping = json.loads(row.value) if row else dict(DEFAULT_PROFILE_BY_COUNTRY)
            mapping[country] = code
            if row is None:
                s.add(Setting(key=DEFAULTS_KEY, value=json.dumps(mapping)))
            else:
                row.value = json.dumps(mapping)

    def save_profile(self, profile: ThresholdProfile) -> None:
        problems = profile.validate()
        if problems:
            raise UserError(f"El perfil de semáforo «{profile.name}» tiene errores.", details=problems)
        profiles = [p for p in self.profiles() if p.code != profile.code] + [profile]
        value = json.dumps([p.as_json() for p in profiles], ensure_ascii=False)
        with self.db.begin() as s:
            row = s.get(Setting, PROFILES_KEY)
            if row is None:
                s.add(Setting(key=PROFILES_KEY, value=value))
            else:
                row.value = value

    def reset(self) -> None:
        with self.db.begin() as s:
            for key in (PROFILES_KEY, DEFAULTS_KEY):
                row = s.get(Setting, key)
                if row is not None:
                    s.delete(row)

"""Traffic-light profiles as editable data (setting `compliance.profiles`).

The shipped profiles (CO-PAAC, EC-POA) are used until the user saves their own version;
`reset()` returns to them. Which profile a plan uses: its own choice
(`compliance.plan_profile.<plan id>`) or else its country's default
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
PLAN_KEY = "compliance.plan_profile"


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

    def country_defaults(self) -> dict[str, str]:
        with self.db.session() as s:
            row = s.get(Setting, DEFAULTS_KEY)
            return json.loads(row.value) if row else dict(DEFAULT_PROFILE_BY_COUNTRY)

    def plan_profile_code(self, plan_id: str) -> str | None:
        """The profile chosen for a plan (None = its country's default)."""
        with self.db.session() as s:
            row = s.get(Setting, f"{PLAN_KEY}.{plan_id}")
            return json.loads(row.value) if row else None

    def set_plan_profile(self, plan_id: str, code: str | None) -> None:
        """Choose the plan's profile; None returns the plan to its country's default."""
        if code is not None:
            self.profile(code)  # must exist
        key = f"{PLAN_KEY}.{plan_id}"
        with self.db.begin() as s:
            row = s.get(Setting, key)
            if code is None:
                if row is not None:
                    s.delete(row)
            elif row is None:
                s.add(Setting(key=key, value=json.dumps(code)))
            else:
                row.value = json.dumps(code)

    def profile_for_plan(self, plan_id: str) -> ThresholdProfile:
        """The profile the plan's dashboard and informe use."""
        from rcdesk.followup.reads import plan_facts, profile_for

        with self.db.read() as c:
            country = plan_facts(c, plan_id)[1]
            return profile_for(c, country, plan_id)

    def delete_profile(self, code: str) -> None:
        """Remove a profile; refused while it is a country's default or the last one. Plans that
        chose it go back to their country's default."""
        profile = self.profile(code)
        profiles = self.profiles()
        if len(profiles) == 1:
            raise UserError("No se puede eliminar el único perfil de semáforo.")
        used = [c for c, p in self.country_defaults().items() if p == code]
        if used:
            names = ", ".join({"EC": "Ecuador", "CO": "Colombia"}.get(c, c) for c in sorted(used))
            raise UserError(
                f"El perfil «{profile.name}» es el predeterminado de {names}; elija otro "
                "predeterminado antes de eliminarlo."
            )
        value = json.dumps([p.as_json() for p in profiles if p.code != code], ensure_ascii=False)
        with self.db.begin() as s:
            row = s.get(Setting, PROFILES_KEY)
            if row is None:
                s.add(Setting(key=PROFILES_KEY, value=value))
            else:
                row.value = value

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
            for key in (PROFILES_KEY, DEFAULTS_KEY):  # plans' own choices are kept (unknown codes fall back)
                row = s.get(Setting, key)
                if row is not None:
                    s.delete(row)

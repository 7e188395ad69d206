"""Spanish labels of the reference catalogs (countries, territory levels, entity and unit types).

Kept apart from the models so the GUI can show them without loading SQLAlchemy.
"""

from __future__ import annotations

COUNTRIES = {"EC": "Ecuador", "CO": "Colombia"}

TERRITORY_LEVELS = {
    "PROVINCIA": "Provincia",
    "CANTON": "Cantón",
    "PARROQUIA_URBANA": "Parroquia urbana",
    "PARROQUIA_RURAL": "Parroquia rural",
    "DEPARTAMENTO": "Departamento",
    "MUNICIPIO": "Municipio",
    "CENTRO_POBLADO": "Centro poblado",
}

INSTITUTION_KINDS = {
    "GOBERNACION_EC": "Gobernación (Función Ejecutiva)",
    "EJECUTIVA": "Función Ejecutiva (otra entidad)",
    "GAD_PROVINCIAL": "GAD provincial",
    "GAD_MUNICIPAL": "GAD municipal",
    "GAD_PARROQUIAL": "GAD parroquial",
    "ALCALDIA": "Alcaldía (Colombia)",
    "GOBERNACION_CO": "Gobernación (Colombia)",
    "OTRA": "Otra entidad",
}

UNIT_TYPES = {
    "JEFATURA_POLITICA": "Jefatura Política",
    "TENENCIA_POLITICA": "Tenencia Política",
    "COMISARIA_NACIONAL": "Comisaría Nacional de Policía",
    "INTENDENCIA_POLICIA": "Intendencia General de Policía",
    "SUBINTENDENCIA_POLICIA": "Subintendencia General de Policía",
    "DESPACHO": "Despacho",
    "DIRECCION": "Dirección",
    "SECRETARIA": "Secretaría",
    "OFICINA": "Oficina",
    "UNIDAD": "Unidad",
    "OFICINA_CONTROL_INTERNO": "Oficina de Control Interno",
    "EQUIPO": "Equipo / comité",
    "OTRA": "Otra",
}

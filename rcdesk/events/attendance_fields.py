"""What a row of an attendance sheet can hold, for the column mapping.

The keys are what users type in `rcdesk attendance import --map "ENCABEZADO=campo"` and what
profile files hold; `rcdesk import fields attendance` lists them.

Attendance rows hold personal data, so this import keeps nothing it has no field for: there is
no «otros datos» choice here (data minimisation, LOPDP art. 10 / Ley 1581 art. 4), and every
column not mapped is reported as ignored. The demographic fields (género, sexo, rango de edad,
autoidentificación, discapacidad) are only ever added to the event's anonymous tally; they are
never stored with the named row.
"""

from __future__ import annotations

from rcdesk.imports.fields import Catalog, Field, norm, register


def _ex(*labels: str) -> tuple[str, ...]:
    return tuple(norm(x) for x in labels)


_DEMO_HELP = "solo se suma al conteo anónimo del evento; nunca se guarda con el nombre"

ATTENDANCE = Catalog(
    "attendance",
    "asistencia",
    (
        Field(
            "nombre",
            "Nombre completo",
            _ex(
                "nombres y apellidos",
                "apellidos y nombres",
                "nombre completo",
                "nombre",
                "nombre y apellido",
                "nombres y apellido",
                "participante",
                "asistente",
                "nombre del participante",
                "nombre del asistente",
                "nombres completos",
                "apellidos nombres",
                "nombres apellidos",
            ),
            (("nombre*",),),
        ),
        Field(
            "nombres",
            "Nombres (sin apellidos)",
            _ex("nombres", "primer nombre"),
            help="con «apellidos» forma el nombre completo",
        ),
        Field("apellidos", "Apellidos", _ex("apellidos", "apellido")),
        Field(
            "documento",
            "Cédula / documento",
            _ex(
                "cédula",
                "ci",
                "c i",
                "cc",
                "no cédula",
                "nro cédula",
                "número de cédula",
                "n cédula",
                "documento",
                "no documento",
                "número de documento",
                "nro de documento",
                "no de documento",
                "documento de identidad",
                "identificación",
                "no identificación",
                "dni",
                "nit",
                "ruc",
                "cédula ruc",
                "cédula o ruc",
                "n de cédula",
                "no de cédula",
                "cédula de identidad",
                "cédula de ciudadanía",
                "num documento",
                "id",
            ),
            (("cedula*",), ("documento*",), ("identificacion*",)),
            help="se valida según el país del evento",
        ),
        Field(
            "organizacion",
            "Organización / institución",
            _ex(
                "organización",
                "institución",
                "entidad",
                "sector",
                "organización sector",
                "organización o sector",
                "organización institución",
                "empresa",
                "colectivo",
                "institución u organización",
                "dependencia",
            ),
            (("organizacion*",), ("institucion*",), ("nombre*", "organizacion*"), ("nombre*", "institucion*")),
        ),
        Field(
            "cargo",
            "Cargo / calidad en la que asiste",
            _ex("cargo", "rol", "calidad", "tipo de participante", "tipo", "calidad en la que asiste", "función"),
            (("cargo*",),),
        ),
        Field(
            "territorio",
            "Territorio (cantón, parroquia, comunidad)",
            _ex(
                "cantón",
                "parroquia",
                "comunidad",
                "barrio",
                "municipio",
                "territorio",
                "procedencia",
                "lugar",
                "localidad",
                "recinto",
                "vereda",
                "cantón parroquia comunidad",
                "cantón parroquia",
                "lugar de procedencia",
                "corregimiento",
                "zona",
                "dirección",
            ),
            (("canton*",), ("parroquia*",), ("comunidad*",), ("municipio*",), ("barrio*",), ("vereda*",)),
        ),
        Field(
            "telefono",
            "Teléfono",
            _ex(
                "teléfono",
                "celular",
                "móvil",
                "tel",
                "teléfono celular",
                "no teléfono",
                "número de teléfono",
                "whatsapp",
                "telf",
            ),
            (("telefono*",), ("celular*",)),
        ),
        Field(
            "correo",
            "Correo electrónico",
            _ex("correo", "email", "e mail", "correo electrónico", "mail"),
            (("correo*",), ("email*",), ("mail*",), ("e mail",)),
        ),
        Field(
            "contacto",
            "Contacto (teléfono o correo)",
            _ex("teléfono o correo", "contacto", "teléfono correo", "datos de contacto"),
            (("telefono*", "correo*"), ("celular*", "correo*")),
            help="un correo va a «correo», lo demás a «teléfono»",
        ),
        Field("menor", "Menor de edad (sí / no)", _ex("menor de edad", "menor", "es menor de edad"), (("menor*",),)),
        Field(
            "edad",
            "Edad (años)",
            _ex("edad", "años"),
            help="menos de 18 marca al menor de edad; da el rango de edad si no hay columna de rango",
        ),
        Field(
            "genero",
            "Género",
            _ex("género", "identidad de género", "género sexo", "sexo género", "género f m lgbtiq+"),
            (("genero*",),),
            help=_DEMO_HELP,
        ),
        Field(
            "sexo",
            "Sexo",
            _ex("sexo", "sexo h m", "sexo biológico"),
            help="cuenta como género cuando la fila no tiene género; " + _DEMO_HELP,
        ),
        Field(
            "rango_edad",
            "Rango de edad",
            _ex(
                "rango de edad",
                "rango edad",
                "rangos de edad",
                "grupo de edad",
                "grupo etario",
                "edad rango",
                "grupo etáreo",
                "rango etario",
            ),
            (("rango de edad",), ("rango*", "edad"), ("grupo*", "edad")),
            help=_DEMO_HELP,
        ),
        Field(
            "etnia",
            "Autoidentificación étnica / pueblo o nacionalidad",
            _ex(
                "etnia",
                "autoidentificación",
                "autoidentificación étnica",
                "pueblos y nacionalidades",
                "pueblo y nacionalidad",
                "pueblo o nacionalidad",
                "pueblo nacionalidad",
                "autorreconocimiento étnico",
                "grupo étnico",
                "pertenencia étnica",
                "etnia pueblo",
            ),
            (("autoidentific*",), ("etnic*",), ("etnia*",), ("pueblos",), ("autorreconocimiento*",)),
            help=_DEMO_HELP,
        ),
        Field(
            "discapacidad",
            "Discapacidad (sí / no)",
            _ex("discapacidad", "tiene discapacidad", "persona con discapacidad", "con discapacidad"),
            (("discapacidad*",),),
            help=_DEMO_HELP,
        ),
    ),
    required=("nombre",),
    keeps_other_data=False,
)

# demographic field → tally dimension (rcdesk/data/events/tallies.json); «sexo» fills género's
# count for a row whose género is blank (the CPCCS form asks hombres / mujeres / GLBTI)
DEMOGRAPHIC = {
    "genero": "genero",
    "sexo": "genero",
    "rango_edad": "edad",
    "etnia": "etnia",
    "discapacidad": "discapacidad",
}
# a column whose header says «firma» holds signatures, whatever else its header names
SIGNATURE_WORD = "firma"

register(ATTENDANCE)

__all__ = ["ATTENDANCE", "DEMOGRAPHIC", "SIGNATURE_WORD"]

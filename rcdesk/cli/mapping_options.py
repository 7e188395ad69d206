"""The column-mapping options every workbook import takes (poa, plan, attendance import)."""

from __future__ import annotations


def mapping_options(p) -> None:
    p.add_argument("--sheet", action="append", default=[], metavar="HOJA", help="importar solo esta hoja (repetible)")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="ENCABEZADO=campo",
        help="asignar una columna (por su encabezado o su letra) a un campo, «otros» o «ignorar» "
        "(repetible; «rcdesk import fields» lista los campos)",
    )
    p.add_argument("--mapping", metavar="PERFIL.json", help="aplicar un perfil de columnas guardado")
    p.add_argument("--save-mapping", metavar="PERFIL.json", help="guardar la asignación usada como perfil")
    p.add_argument(
        "--no-remembered",
        action="store_true",
        help="no aplicar la asignación recordada para libros con los mismos encabezados",
    )


__all__ = ["mapping_options"]

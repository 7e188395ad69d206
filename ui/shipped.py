"""Where the files shipped with the application (icons, the offline guide) are.

`resources/` sits beside `ui/` in the source tree and in the frozen bundle; the wheel installs it inside the GUI
package (`rcdesk_gui/resources`) so that no generic top-level name lands in site-packages.
"""

from pathlib import Path

_HERE = Path(__file__).resolve().parent
RESOURCES = next(
    (p for p in (_HERE / "resources", _HERE.parent / "resources") if p.is_dir()), _HERE.parent / "resources"
)
ICONS = RESOURCES / "icons"

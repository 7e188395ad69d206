"""rcdesk core: domain, storage, import/export, reports, packages and command line.

Nothing in this package imports Qt; the GUI lives in `ui/` and talks to `rcdesk.services`.
"""

__version__ = "0.1.0"
APP_NAME = "rcdesk"

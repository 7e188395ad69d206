"""Start rcdesk's graphical interface: `python main.py [--db RUTA]`."""

import sys


def main() -> int:
    from ui.app import main as run_gui

    return run_gui()


if __name__ == "__main__":
    sys.exit(main())

"""The explicit registries a frozen build relies on list every module of their folder.

The installer (packaging/rcdesk.spec) ships only modules some import statement names, so a
command or demo step module left out of its registry would be missing from the Windows build
while every test run from source still found it.
"""

from __future__ import annotations

import importlib
import pkgutil

from rcdesk import demo
from rcdesk.cli import build_parser, command_modules
from rcdesk.cli import commands as command_package


def _folder(package) -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(package.__path__))


def test_every_command_module_is_registered_core_first() -> None:
    listed = [m.__name__.rsplit(".", 1)[1] for m in command_modules()]
    assert sorted(listed) == _folder(command_package), "add the new module to rcdesk.cli.command_modules()"
    # the help text leads with init, demo and backup, then the rest alphabetically
    assert listed == sorted(listed, key=lambda n: (n != "core", n))


def test_every_registered_command_reaches_the_parser() -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    help_text = parser.format_help()
    for name in ("init", "demo", "plan", "poa", "report", "export", "package", "acta", "import", "cpccs"):
        assert name in commands
    assert help_text.index("init") < help_text.index("plan")


def test_every_demo_step_is_registered_in_order() -> None:
    found = []
    for name in _folder(demo):
        mod = importlib.import_module(f"rcdesk.demo.{name}")
        if hasattr(mod, "ORDER") and hasattr(mod, "load"):
            found.append(mod)
    steps = demo.steps()
    assert {m.__name__ for m in steps} == {m.__name__ for m in found}, "add the new step to rcdesk.demo.steps()"
    assert [m.ORDER for m in steps] == sorted(m.ORDER for m in found)
    assert steps[0].__name__ == "rcdesk.demo.plans"

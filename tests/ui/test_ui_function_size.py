"""No function of the GUI (`ui/`, every package) runs over 80 logical lines, the rule the core keeps
(tests/core/test_core_function_size.py): a constructor that builds a whole dialog is split along its
seams into named builders. One walk over the whole tree, with no exemptions."""

from pathlib import Path

from tests.code_size import long_functions

UI = Path(__file__).resolve().parents[2] / "ui"


def test_no_function_of_the_gui_is_too_long_to_read():
    paths = sorted(UI.rglob("*.py"))
    assert len(paths) > 50  # the tree was found, not an empty folder
    long = long_functions(paths)
    assert not long, f"functions over 80 logical lines: {long}"

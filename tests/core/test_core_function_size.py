"""No function of the core (`rcdesk/`, every package) runs over 80 logical lines: a reader can hold
one in view. One walk over the whole tree, with no exemptions, so a new package is held to it too."""

from pathlib import Path

from tests.code_size import long_functions

RCDESK = Path(__file__).resolve().parents[2] / "rcdesk"


def test_no_function_of_the_core_is_too_long_to_read():
    paths = sorted(RCDESK.rglob("*.py"))
    assert len(paths) > 200  # the tree was found, not an empty folder
    long = long_functions(paths)
    assert not long, f"functions over 80 logical lines: {long}"

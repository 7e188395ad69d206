"""Package list for the wheel; everything else is in pyproject.toml.

`ui/` is installed as `rcdesk_gui` (see [tool.setuptools.package-dir]); pyproject's static `find` cannot rename a
folder, so its subpackages are listed here from the tree, and a new folder under ui/ ships without editing this file.
"""

from setuptools import find_packages, setup

gui = ["rcdesk_gui", "rcdesk_gui.resources"] + [f"rcdesk_gui.{name}" for name in find_packages("ui")]
setup(packages=find_packages(include=["rcdesk", "rcdesk.*"]) + gui)

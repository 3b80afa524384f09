"""
A system for assigning and grading notebooks.
"""
# Vendored for Descent's tests: the upstream file also loads nbgrader's server extensions and lab
# extension, which the tests do not use; only these imports were removed.
from ._version import __version__

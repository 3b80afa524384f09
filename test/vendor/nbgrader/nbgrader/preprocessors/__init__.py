# Vendored for Descent's tests: only the preprocessors vendored here are imported.
from .base import NbGraderPreprocessor
from .lockcells import LockCells
from .clearsolutions import ClearSolutions
from .computechecksums import ComputeChecksums
from .clearhiddentests import ClearHiddenTests
from .clearmarkingscheme import ClearMarkScheme

__all__ = [
    "LockCells",
    "ClearSolutions",
    "ComputeChecksums",
    "ClearHiddenTests",
    "ClearMarkScheme",
]

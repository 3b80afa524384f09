"""nbgrader's own code (vendored in test/vendor/nbgrader, 0.9.5) run on Descent's homework.

    python3 nbgrader_check.py assignment MASTER.ipynb RELEASED.ipynb
        Validates the master's nbgrader metadata (v3 validator), runs the preprocessors of
        `nbgrader generate_assignment` that change cells (LockCells, ClearSolutions with Descent's
        TypeScript stub, ClearOutput, ComputeChecksums, ClearHiddenTests, ClearMarkScheme,
        ComputeChecksums) and prints, as JSON, every difference from Descent's released notebook.
    python3 nbgrader_check.py grades EXECUTED.ipynb ...
        Prints, as JSON, utils.determine_grade of each grade cell of executed notebooks:
        {file: {grade_id: [points, max_points]}}.
    python3 nbgrader_check.py autograde NOTEBOOK.ipynb ...
        Executes each notebook as nbgrader's Execute preprocessor does (nbclient, errors allowed,
        the `descent` kernel, in the current directory), then prints the grades as above.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "vendor", "nbgrader"))

import nbformat  # noqa: E402
from nbconvert.preprocessors import ClearOutputPreprocessor  # noqa: E402
from nbgrader import utils  # noqa: E402
from nbgrader.nbgraderformat import MetadataValidator  # noqa: E402
from nbgrader.preprocessors import (ClearHiddenTests, ClearMarkScheme, ClearSolutions,  # noqa: E402
                                    ComputeChecksums, LockCells)

TS_STUB = "// YOUR CODE HERE\nthrow new hw.NotDoneYet();"


def generate(master_path):
    nb = nbformat.read(master_path, as_version=4)
    MetadataValidator().validate_nb(nb)
    resources = {}
    chain = [
        LockCells(),
        ClearSolutions(code_stub={"typescript": TS_STUB}),
        ClearOutputPreprocessor(),
        ComputeChecksums(),
        ClearHiddenTests(),
        ClearMarkScheme(),
        ComputeChecksums(),
    ]
    for p in chain:
        nb, resources = p.preprocess(nb, resources)
    return nb


KEYS = ("editable", "deletable")


def assignment(master_path, released_path):
    ours = nbformat.read(released_path, as_version=4)
    MetadataValidator().validate_nb(ours)
    theirs = generate(master_path)
    diffs = []
    if len(ours.cells) != len(theirs.cells):
        diffs.append("cells: %d released, %d from nbgrader" % (len(ours.cells), len(theirs.cells)))
    for i, (a, b) in enumerate(zip(ours.cells, theirs.cells)):
        where = "cell %d (%s)" % (i + 1, b.metadata.get("nbgrader", {}).get("grade_id", ""))
        if a.source != b.source:
            diffs.append("%s source: released %r, nbgrader %r" % (where, a.source, b.source))
        if a.cell_type != b.cell_type:
            diffs.append("%s type" % where)
        for k in KEYS:
            if a.metadata.get(k) != b.metadata.get(k):
                diffs.append("%s %s: released %r, nbgrader %r" % (where, k, a.metadata.get(k), b.metadata.get(k)))
        if a.metadata.get("nbgrader") != b.metadata.get("nbgrader"):
            diffs.append("%s nbgrader metadata: released %r, nbgrader %r" % (where, dict(a.metadata.get("nbgrader", {})), dict(b.metadata.get("nbgrader", {}))))
    locked = sum(1 for c in ours.cells if c.metadata.get("editable") is False)
    checksums = sum(1 for c in ours.cells if "checksum" in c.metadata.get("nbgrader", {}))
    print(json.dumps({"diffs": diffs, "cells": len(ours.cells), "locked": locked, "checksums": checksums}))


def grades(paths):
    out = {}
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        out[p] = {}
        for c in nb.cells:
            if utils.is_grade(c) and c.cell_type == "code":
                got, top = utils.determine_grade(c)
                out[p][c.metadata.nbgrader["grade_id"]] = [got, top]
    print(json.dumps(out))


def autograde(paths):
    from nbclient import NotebookClient
    executed = []
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        NotebookClient(nb, kernel_name="descent", timeout=300, allow_errors=True,
                       resources={"metadata": {"path": os.getcwd()}}).execute()
        out = p[:-len(".ipynb")] + ".autograded.ipynb"
        nbformat.write(nb, out)
        executed.append(out)
    grades(executed)


if __name__ == "__main__":
    if sys.argv[1] == "assignment":
        assignment(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "grades":
        grades(sys.argv[2:])
    elif sys.argv[1] == "autograde":
        autograde(sys.argv[2:])
    else:
        sys.exit("usage: nbgrader_check.py assignment MASTER RELEASED | grades EXECUTED...")

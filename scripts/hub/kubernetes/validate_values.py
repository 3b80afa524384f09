#!/usr/bin/env python3
"""Validates Helm values for the Zero to JupyterHub chart as helm does before it installs anything:
the chart's default values.yaml with the given values merged over it (maps merged key by key, anything
else replaced, null deleting a default), checked against the chart's values.schema.json.

usage: validate_values.py CHART_DIR VALUES.yaml [--set dotted.key=json ...]
  CHART_DIR holds values.yaml and values.schema.json (test/vendor/z2jh-2.0.0 for chart 2.0.0)
  --set changes the merged values before validation (the test's way of showing a wrong value is caught)
prints {"errors": ["path: message", ...]} and exits 1 when there are errors.
Needs PyYAML and jsonschema (Debian: python3-yaml, python3-jsonschema).
"""
import json
import os
import sys

import jsonschema
import yaml


def merge(base, over):
    """Helm's coalescing of user values over chart defaults."""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return over
    out = dict(base)
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = v
    return out


def main(argv):
    chart, values_file, rest = argv[0], argv[1], argv[2:]
    with open(os.path.join(chart, "values.yaml")) as f:
        defaults = yaml.safe_load(f)
    with open(os.path.join(chart, "values.schema.json")) as f:
        schema = json.load(f)
    with open(values_file) as f:
        values = yaml.safe_load(f) or {}
    merged = merge(defaults, values)
    for i in range(0, len(rest), 2):
        assert rest[i] == "--set", rest[i]
        key, _, value = rest[i + 1].partition("=")
        node = merged
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = json.loads(value)
    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(merged), key=lambda e: list(e.absolute_path))
    out = [f"{'.'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in errors]
    print(json.dumps({"errors": out}))
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

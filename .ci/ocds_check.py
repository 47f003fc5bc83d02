#!/usr/bin/env python3
"""Checks OCDS packages with libcoveocds (the library behind the OCDS Data Review Tool),
offline: the standard's schema files come from tests/data/ocds-1.1.5 (the versioned-release
validation schema, which libcoveocds also loads, is generated from the release schema by
ocdsextensionregistry, as the standard's own build does), packed as the "standard zip" that
libcoveocds accepts instead of downloading the standard.

Usage: ocds_check.py SCHEMA_DIR WORK_DIR PACKAGE.json [PACKAGE.json ...]
Prints each file's validation errors and exits 1 when any file has one.
"""

import json
import os
import subprocess
import sys
import zipfile

from ocdsextensionregistry.versioned_release_schema import get_versioned_release_schema

TAG = "1__1__5"


def standard_zip(schema_dir, work_dir):
    path = os.path.join(work_dir, "standard.zip")
    top = f"standard-{TAG}/"
    with zipfile.ZipFile(path, "w") as z:
        # The first entry must be the top directory: the reader takes paths below it.
        z.writestr(top, "")
        z.writestr(top + "schema/", "")
        for root, _dirs, files in os.walk(schema_dir):
            for name in sorted(files):
                if name.endswith((".json", ".csv")):
                    full = os.path.join(root, name)
                    z.write(full, top + "schema/" + os.path.relpath(full, schema_dir))
        with open(os.path.join(schema_dir, "release-schema.json")) as f:
            release = json.load(f)
        versioned = get_versioned_release_schema(release, TAG)
        z.writestr(top + "schema/versioned-release-validation-schema.json", json.dumps(versioned))
    return path


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    schema_dir, work_dir, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    zip_path = standard_zip(schema_dir, work_dir)
    failed = False
    for name in files:
        out = subprocess.run(
            ["libcoveocds", "--standard-zip", zip_path, "--skip-aggregates", name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(out)
        errors = result.get("validation_errors", [])
        print(f"{name}: {len(errors)} validation error(s)")
        for error in errors:
            print("  ", json.dumps(error, ensure_ascii=False)[:2000])
            failed = True
        additional = result.get("all_additional_fields") or []
        if additional:
            # The bids extension's fields: validators fetch extensions from GitHub, which
            # CI may not reach, so they are reported as additional fields, not errors.
            print(f"  additional fields (not errors): {len(additional)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

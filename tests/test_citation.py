"""CITATION.cff: valid Citation File Format 1.2.0, and agreeing with the package.

The schema, tests/citation/cff-1.2.0.schema.json, is the Citation File Format's
own (https://citation-file-format.github.io/1.2.0/schema.json, CC-BY-4.0), as
cffconvert ships it; it is kept here so that the test needs no network.
"""

from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "tests" / "citation" / "cff-1.2.0.schema.json").read_text())


def cff() -> dict:
    # CFF's dates and versions are strings; YAML's own date type would fail the schema.
    return yaml.load((ROOT / "CITATION.cff").read_text(), Loader=yaml.BaseLoader)


def test_citation_file_is_valid_cff_1_2():
    # The schema's own checks: required keys, the licence an SPDX identifier, and so on.
    jsonschema.Draft7Validator(SCHEMA).validate(cff())


def test_the_schema_check_catches_a_broken_citation():
    # A citation without authors, or with a licence SPDX does not know, is refused.
    broken = {k: v for k, v in cff().items() if k != "authors"}
    with pytest.raises(jsonschema.ValidationError, match="authors"):
        jsonschema.Draft7Validator(SCHEMA).validate(broken)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(SCHEMA).validate({**cff(), "license": "MIT-ish"})


def test_citation_agrees_with_the_package_and_the_book():
    # Version and licence as pyproject.toml gives them; the title as the book's.
    import tomllib
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    citation = cff()
    assert citation["version"] == project["version"]
    assert citation["license"] == project["license"]
    assert citation["title"] == config["title"]
    assert "MIT License" in (ROOT / "LICENSE").read_text()

"""Sphinx's linkcheck over the book's sources.

An external link fails only when its server answered that it is broken (a 404,
say), never because there is no network, as in CI. Links within the book are
checked by the -n book build (cross-references) and, as served, by
test_site.py; linkcheck adds any link to a local file that Sphinx records."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# Errors that mean "could not reach the host", not "the link is broken".
UNREACHABLE = ("NameResolutionError", "Failed to resolve", "Max retries exceeded", "ConnectionError",
               "Connection refused", "Network is unreachable", "timed out", "Temporary failure in name resolution")


@pytest.fixture(scope="module")
def linkcheck(tmp_path_factory):
    """Run the linkcheck builder into a folder of its own and return its records.

    `jupyter-book build --builder linkcheck` alone would write its report into
    _build/html, the published site; so we give it another output path, and a
    copy of _config.yml that reuses the HTML build's execution cache (no notebook
    runs again) and names the local extension by its absolute path.
    """
    if os.environ.get("SITE_DIR"):
        pytest.skip("linkcheck runs on the sources, not on a copy of the build")
    out = tmp_path_factory.mktemp("linkcheck")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config.setdefault("execute", {})["cache"] = str(ROOT / "_build" / ".jupyter_cache")
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, path in local.items():
        local[name] = str((ROOT / path).resolve())
    (out / "_config.yml").write_text(yaml.safe_dump(config))
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    run = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--builder", "linkcheck",
         "--path-output", str(out), "--config", str(out / "_config.yml")],
        capture_output=True, text=True, timeout=1800,
    )
    output = out / "_build" / "html" / "output.json"
    assert output.exists(), f"linkcheck wrote no report:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}"
    records = [json.loads(line) for line in output.read_text().splitlines() if line.strip()]
    print(f"linkcheck: {len(records)} links checked")
    return records


def test_links_to_the_books_own_files_resolve(linkcheck):
    local = [r for r in linkcheck if not r["uri"].startswith(("http:", "https:", "mailto:"))]
    broken = [f"{r['filename']}:{r['lineno']} {r['uri']}" for r in local if r["status"] == "broken"]
    assert not broken, "broken links within the book:\n" + "\n".join(broken)


def test_external_links_are_not_broken_where_the_network_answers(linkcheck):
    external = [r for r in linkcheck if r["uri"].startswith(("http:", "https:"))]
    broken = [r for r in external if r["status"] == "broken"]
    unreachable = [r for r in broken if any(s in r["info"] for s in UNREACHABLE)]
    answered = [f"{r['filename']}:{r['lineno']} {r['uri']}: {r['info'][:200]}" for r in broken if r not in unreachable]
    assert not answered, "broken external links:\n" + "\n".join(answered)
    if unreachable:
        print(f"{len(unreachable)} of {len(external)} external links not checked: no network")

"""The folder that publishing uploads, _build/html as `make book` leaves it: it
serves every page's styles, images and downloads, carries .nojekyll, and every
outward link of the book derives from the address in _config.yml."""

import re
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, SITE

sys.path.insert(0, str(ROOT / "tools"))
import finish_site  # noqa: E402
from sync_install_cell import MARKER, repository  # noqa: E402

URL, BRANCH = repository(ROOT)
SLUG = URL.removeprefix("https://github.com/")
PAGES = sorted(p for p in SITE.rglob("*.html") if "_static" not in p.relative_to(SITE).parts)
CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("*.ipynb"))


def hrefs(page: Path) -> list[str]:
    return re.findall(r'href="([^"]+)"', page.read_text())


def test_github_pages_serves_the_folder_as_it_is(site):
    # Without .nojekyll, Pages' Jekyll drops _static/, _images/ and _sources/.
    assert (site / ".nojekyll").is_file()


def test_every_local_link_style_image_and_download_names_a_file(site):
    assert len(PAGES) >= len(CHAPTERS) + 2
    assert finish_site.broken_local_links(site) == []
    # What the check covered, so that it cannot pass by looking at nothing.
    page = (site / "book" / f"{CHAPTERS[0]}.html").read_text()
    assert re.search(r'href="[^"]*_static/[^"]+\.css', page) and 'src="../_images/' in (
        site / "book" / "08_train.html").read_text()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_launch_edit_and_repository_link_derives_from_the_configured_address(site, chapter):
    links = hrefs(site / "book" / f"{chapter}.html")
    launch = sorted(h for h in links if "mybinder.org" in h or "colab.research.google.com" in h)
    assert launch == sorted([
        f"https://colab.research.google.com/github/{SLUG}/blob/{BRANCH}/book/{chapter}.ipynb",
        f"https://mybinder.org/v2/gh/{SLUG}/{BRANCH}?urlpath=lab/tree/book/{chapter}.ipynb",
    ])
    assert URL in links
    assert f"{URL}/edit/{BRANCH}/book/{chapter}.ipynb" in links
    assert f"../_sources/book/{chapter}.ipynb" in links  # the download button


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_downloadable_notebook_installs_nnlib_at_the_commit_built(site, chapter):
    nb = nbformat.read(site / "_sources" / "book" / f"{chapter}.ipynb", as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(MARKER)]
    assert f'NNLIB_REPOSITORY = "{URL}"' in cell.source
    ref = re.search(r'^NNLIB_REF = "([^"]+)"$', cell.source, re.M)[1]
    assert ref == finish_site.build_ref(ROOT), f"{chapter}: the download installs {ref!r}, not the commit built"

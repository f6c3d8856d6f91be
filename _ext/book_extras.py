"""What every page's footer offers besides the authors: the whole book as one
PDF, the licence and how to cite the course.

The citation comes from CITATION.cff at the top of the repository (the file
GitHub shows as "Cite this repository"), so the two cannot disagree; the
licence is the one CITATION.cff names, linked to LICENSE in the repository
that _config.yml names. The PDF is made by `make pdf` (tools/book_pdf.py) after
the HTML build, into _build/html/PDF_NAME; templates/extra-footer.html links it.
"""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# The whole-book PDF, at the top of the published folder (Makefile: BOOK_PDF).
PDF_NAME = "neural-networks-from-scratch.pdf"  # also in tools/finish_site.py and the tests


def citation(cff: dict, year: str) -> str:
    """One line in the usual author (year), title, version form."""
    authors = ", ".join(a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names"))))
                        for a in cff["authors"])
    version = f", version {cff['version']}" if cff.get("version") else ""
    return f"{authors} ({year}). {cff['title']}{version}."


def _footer_context(app, config):
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    config.html_context.update({
        "book_pdf": PDF_NAME,
        "book_citation": citation(cff, str(config.copyright)),
        "book_license": cff["license"],
    })


def setup(app):
    app.connect("config-inited", _footer_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

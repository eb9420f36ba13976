"""Pictures of the signed standard MASH agreement for the README: its cover and its signature page, as PNG.

    python -m bench.pictures              # what ``make pictures`` runs (needs pdftoppm: apt-get install poppler-utils)

The PDF is made exactly as ``GET /api/v1/agreements/NS-MASH-ISA/signed.pdf`` makes it, on an in-memory
registry holding the standard library, signed with a throwaway development key (so the cover carries the
development-key note). ``pdftoppm -png -r 70`` draws page 1 and the signature page into ``docs/images/``.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from registry.config import REPO_ROOT

MASH = "NS-MASH-ISA"
IMAGES = REPO_ROOT / "docs" / "images"
RESOLUTION = 70


def signed_mash_pdf(folder: Path) -> bytes:
    """The standard MASH agreement's signed PDF, rendered and signed as the API serves it."""
    from sqlmodel import Session, SQLModel

    from registry.db import make_engine
    from registry.documents.signing import development_identity
    from registry.services.documents import signed_agreement_pdf
    from registry.services.standard import load_standard_agreements

    engine = make_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            load_standard_agreements(session=session)
            identity = development_identity(folder)
            return signed_agreement_pdf(session=session, agreement_id=MASH, identity=identity).content
    finally:
        engine.dispose()


def draw_page(pdf: Path, page: int, target: Path) -> None:
    """One page of ``pdf`` as a PNG at ``RESOLUTION`` dpi (``pdftoppm`` adds the .png)."""
    stem = target.with_suffix("")
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(["pdftoppm", "-png", "-r", str(RESOLUTION), *pages, "-singlefile", str(pdf), str(stem)], check=True)


def main(argv: list[str] | None = None) -> int:
    """Render the pictures into ``--out`` (default docs/images); exit 1 without pdftoppm."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=IMAGES, help="the folder to write the PNGs to")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is not installed: apt-get install poppler-utils", file=sys.stderr)
        return 1
    from registry.documents.render import signature_page_number

    # The development key's warning is expected here: these pictures are of a development-signed document.
    logging.getLogger("registry.documents.signing").setLevel(logging.ERROR)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        pdf_bytes = signed_mash_pdf(Path(folder))
        pdf = Path(folder) / "mash-signed.pdf"
        pdf.write_bytes(pdf_bytes)
        signatures = signature_page_number(pdf_bytes)
        for page, name in ((1, "agreement-cover.png"), (signatures, "agreement-signatures.png")):
            draw_page(pdf, page, args.out / name)
            print(f"{args.out / name}: page {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

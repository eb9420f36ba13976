"""Time and peak memory to load registry files the way ``flask registry load`` does, on SQLite; print the figures.

    python -m bench.loading                       # what ``make bench-load`` runs
    python -m bench.loading --organisations 5000 --agreements 200 --format json

Two loads, each into a fresh SQLite file in a temporary folder:

- **organisations**: one file of 20,000 generated organisations (``bench.generator``);
- **agreements**: a folder of 1,000 generated agreements, one file each, beside one file of the
  organisations they name.

Each load runs in a child process of its own, so its peak is its own: the files are found and
read (``registry_files``, ``read_registry_file``: parse, line tracking, schema validation), then
imported (``import_documents``: every check against the database, then one transaction), then
the same files are loaded again (everything unchanged), exactly as the CLI does. The figures are
wall time per phase, the process's peak resident memory (``ru_maxrss``) and, to see what the
reading itself holds, the Python allocation peak under ``tracemalloc`` for the reading phase in
a second child.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import yaml

from agreements.model import Organisation
from bench.generator import _build_organisations, generate_registry
from schemas.agreement import AgreementSchema, OrganisationSchema
from schemas.files import FILE_FORMAT, RegistryDocument, read_registry_file, registry_files
from schemas.vocabulary import load_vocabulary

SEED = 20260601


def _write(path: Path, data: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        # libyaml's dumper when there is one: the Python dumper takes minutes over 20,000 organisations.
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def _organisations(count: int) -> list[Organisation]:
    """``count`` generated organisations: whole areas' worth, cut to the number asked for."""
    import random

    vocabulary = load_vocabulary()
    areas = max(1, count // 14)
    while True:
        found, _ = _build_organisations(areas, vocabulary, random.Random(SEED))
        if len(found) >= count:
            return found[:count]
        areas = areas * 11 // 10 + 1


def make_organisations_file(folder: Path, count: int, fmt: str) -> Path:
    """One registry file holding ``count`` organisations."""
    path = folder / f"organisations.{fmt}"
    records = OrganisationSchema(many=True).dump(_organisations(count))
    _write(path, {"format": FILE_FORMAT, "organisations": records}, fmt)
    return path


def make_agreements_folder(folder: Path, count: int, fmt: str) -> Path:
    """A folder of ``count`` agreements, one file each, and one file of the organisations they name."""
    registry = generate_registry(count, seed=SEED)
    folder.mkdir()
    records = OrganisationSchema(many=True).dump(list(registry.organisations))
    _write(folder / f"organisations.{fmt}", {"format": FILE_FORMAT, "organisations": records}, fmt)
    schema = AgreementSchema()
    for agreement in registry.latest().values():
        _write(folder / f"{agreement.id}.{fmt}", {"format": FILE_FORMAT, "agreements": [schema.dump(agreement)]}, fmt)
    return folder


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if platform.system() == "Darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1e6


def _read(paths: list[Path]) -> list[RegistryDocument]:
    return [read_registry_file(path) for path in registry_files(paths)]


def _child(paths: list[Path], database: Path, traced: bool) -> dict[str, Any]:
    """One load (and a reload) in this process, as ``flask registry load`` does it."""
    from registry import create_app, migrate
    from registry.extensions import db
    from registry.services.importing import import_documents

    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{database}"})
    with app.app_context():
        migrate.upgrade(db.engine)
        figures: dict[str, Any] = {"rss_before_mb": _peak_rss_mb()}
        if traced:
            tracemalloc.start()
            _read(paths)
            figures["read_traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            return figures
        for label in ("first", "again"):
            started = time.perf_counter()
            documents = _read(paths)
            read = time.perf_counter()
            with db.session_scope() as session:
                summary = import_documents(session=session, documents=documents, actor="bench")
            done = time.perf_counter()
            figures[label] = {"read_s": read - started, "import_s": done - read, "summary": summary.lines()}
        figures["peak_rss_mb"] = _peak_rss_mb()
        figures["files"] = len(registry_files(paths))
        figures["bytes"] = sum(p.stat().st_size for p in registry_files(paths))
    return figures


def _in_child(*args: str) -> dict[str, Any]:
    """Run ``python -m bench.loading ARGS`` and return the JSON it prints last.

    Generating and loading each in a process of its own keeps every peak its own: Linux carries
    a parent's peak resident size into a child it starts.
    """
    command = [sys.executable, "-m", "bench.loading", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed:\n{result.stderr[-4000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return figures


def _run_child(paths: list[Path], database: Path, traced: bool) -> dict[str, Any]:
    return _in_child("--child", str(database), *(str(p) for p in paths), *(["--traced"] if traced else []))


def _report(name: str, paths: list[Path], work: Path) -> None:
    figures = _run_child(paths, work / f"{name}.sqlite", traced=False)
    traced = _run_child(paths, work / f"{name}-traced.sqlite", traced=True)
    first, again = figures["first"], figures["again"]
    print(f"\n{name}: {figures['files']} file(s), {figures['bytes'] / 1e6:.1f} MB")
    for line in first["summary"]:
        print(f"  {line}")
    print(
        f"  first load:   read+validate {first['read_s']:7.2f} s   import {first['import_s']:7.2f} s   "
        f"total {first['read_s'] + first['import_s']:7.2f} s"
    )
    print(
        f"  load again:   read+validate {again['read_s']:7.2f} s   import {again['import_s']:7.2f} s   "
        f"total {again['read_s'] + again['import_s']:7.2f} s   (everything unchanged)"
    )
    print(
        f"  peak memory:  {figures['peak_rss_mb']:.0f} MB resident (process, {figures['rss_before_mb']:.0f} MB "
        f"before reading); reading alone allocates at most {traced['read_traced_peak_mb']:.0f} MB (tracemalloc)"
    )


def main(argv: list[str] | None = None) -> None:
    """Generate the files, load them in child processes, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--agreements", type=int, default=1_000)
    parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(_child(args.paths, args.child, args.traced)))
        return
    if args.generate is not None:
        organisations = make_organisations_file(args.generate, args.organisations, args.format)
        folder = make_agreements_folder(args.generate / "agreements", args.agreements, args.format)
        print(json.dumps({"organisations": str(organisations), "agreements": str(folder)}))
        return
    print(f"Python {platform.python_version()} on {platform.machine()}, SQLite; files in {args.format}")
    with tempfile.TemporaryDirectory(prefix="bench-load-") as temp:
        work = Path(temp)
        started = time.perf_counter()
        made = _in_child(
            "--generate",
            str(work),
            "--organisations",
            str(args.organisations),
            "--agreements",
            str(args.agreements),
            "--format",
            args.format,
        )
        print(f"generated the files in {time.perf_counter() - started:.1f} s")
        _report(f"{args.organisations:,} organisations", [Path(made["organisations"])], work)
        _report(f"{args.agreements:,} agreements", [Path(made["agreements"])], work)


if __name__ == "__main__":
    main()

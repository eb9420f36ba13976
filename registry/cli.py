"""``flask registry …``: set up the database, load and export registry files, list and copy agreements, write and
verify agreement documents."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

import click
from flask import current_app
from flask.cli import AppGroup
from marshmallow import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from agreements.lint import Severity
from agreements.question import QuestionError
from registry import migrate
from registry.errors import database_error
from registry.extensions import db
from registry.services.accounts import Role, create_token, create_user, find_user, update_user
from registry.services.agreements import copy_as_template, list_agreements, list_revisions
from registry.services.checking import check_proposed_share, lint_stored_agreements
from registry.services.documents import (
    Document,
    VerifyReport,
    agreement_html,
    agreement_pdf,
    odrl_document,
    signed_agreement_pdf,
    verify_pdf,
)
from registry.services.errors import RegistryConflictError, RegistryError, RegistryNotFoundError
from registry.services.exporting import export_registry
from registry.services.importing import ImportSummary, import_documents
from registry.services.organisations import list_organisations
from registry.services.standard import NOT_REGISTRY_FILES, load_standard_agreements
from schemas.base import flatten_errors
from schemas.files import FileProblem, RegistryDocument, RegistryFileError, read_registry_file, registry_files
from schemas.lint import FindingSchema
from schemas.question import ShareAnswerSchema, ShareQuestionSchema, today_in_the_uk

# EX_TEMPFAIL (sysexits.h): a lost race with another writer; the same command may well succeed when run again.
LOST_RACE_EXIT = 75

registry_cli = AppGroup("registry", help="Manage the information sharing agreement registry.")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def _fail(problems: list[FileProblem] | list[str], heading: str) -> None:
    click.echo(heading, err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


def _echo_summary(summary: ImportSummary) -> None:
    for line in summary.lines():
        click.echo(f"  {line}")


def _database_label() -> str:
    # Never print a password that is part of DATABASE_URL.
    return make_url(db.engine.url).render_as_string(hide_password=True)


@registry_cli.command("init-db")
@click.option("--no-standard", is_flag=True, help="Do not load the standard MASH, MARAC and MAPPA agreements.")
def init_db(no_standard: bool) -> None:
    """Create or upgrade the tables, then load the standard agreements into an empty registry."""
    before = migrate.current_revision(db.engine)
    after = migrate.upgrade(db.engine)
    state = "already at" if before == after else "upgraded to"
    click.echo(f"Database {_database_label()}: tables {state} migration {after}.")
    if no_standard:
        click.echo("Standard agreements not loaded (--no-standard).")
        return
    try:
        with db.session_scope() as session:
            summary = load_standard_agreements(session=session)
    except RegistryFileError as exc:
        _fail(exc.problems, "The standard agreements could not be loaded; nothing was stored:")
        return
    if summary is None:
        click.echo("The registry already holds agreements: standard agreements not loaded.")
        return
    click.echo("Loaded the standard agreements:")
    _echo_summary(summary)


@registry_cli.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--actor", default="command line", show_default=True, help="Who the change log says made the change.")
def load(paths: tuple[Path, ...], actor: str) -> None:
    """Load organisations and agreements from YAML or JSON files, or folders of them; all or nothing.

    Exits 1 when the files have problems, 75 when another change got in first (nothing stored: run it again).
    """
    try:
        found = list(dict.fromkeys(path.resolve() for path in registry_files(paths)))
    except RegistryFileError as exc:
        _fail(exc.problems, "Nothing was stored:")
        return
    named = {path.resolve() for path in paths if path.is_file()}
    # A folder such as agreements/library also holds the vocabulary, which is not a registry file.
    files = [path for path in found if path in named or path.name not in NOT_REGISTRY_FILES]
    for path in found:
        if path not in files:
            click.echo(f"Skipping {path.name}: the vocabulary, not a registry file.")
    if not files:
        _fail([f"no .yaml, .yml or .json files in {', '.join(str(p) for p in paths)}"], "Nothing was stored:")
        return
    documents: list[RegistryDocument] = []
    problems: list[FileProblem] = []
    for number, path in enumerate(files, start=1):
        try:
            document = read_registry_file(_shown(path))
        except RegistryFileError as exc:
            click.echo(f"[{number}/{len(files)}] {path.name}: {_plural(len(exc.problems), 'problem')}")
            problems.extend(exc.problems)
            continue
        documents.append(document)
        parts = [_plural(len(document.agreements), "agreement"), _plural(len(document.organisations), "organisation")]
        if document.history:
            revisions = sum(len(h.revisions) for h in document.history)
            histories = _plural(len(document.history), "agreement history", "agreement histories")
            parts.insert(1, f"{histories} ({_plural(revisions, 'revision')})")
        click.echo(f"[{number}/{len(files)}] {path.name}: {', '.join(parts)}")
    if problems:
        _fail(problems, f"{_plural(len(problems), 'problem')} found; nothing was stored:")
        return
    try:
        with db.session_scope() as session:
            summary = import_documents(session=session, documents=documents, actor=actor)
    except RegistryFileError as exc:
        _fail(exc.problems, f"{_plural(len(exc.problems), 'problem')} found; nothing was stored:")
        return
    except RegistryConflictError as exc:
        # Another load or edit moved an agreement while this one was being checked: worth running again.
        click.echo(f"Nothing was stored: {exc.message}", err=True)
        sys.exit(LOST_RACE_EXIT)
    except DBAPIError as exc:
        error = database_error(exc)
        click.echo(f"Nothing was stored: {error.message}", err=True)
        sys.exit(LOST_RACE_EXIT if error.status == 409 else 1)
    click.echo(f"Stored, from {_plural(len(files), 'file')}:")
    _echo_summary(summary)


def _shown(path: Path) -> Path:
    """The path relative to the working directory when it is below it: shorter in messages."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


@registry_cli.command("export")
@click.argument("out")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), help="Default: from OUT's suffix, else YAML.")
def export(out: str, fmt: str | None) -> None:
    """Write every organisation and every revision of every agreement to OUT ('-' for standard output)."""
    if fmt is None:
        fmt = "json" if out.lower().endswith(".json") else "yaml"
    with db.session_scope() as session:
        text = export_registry(session=session, fmt="json" if fmt == "json" else "yaml")
    if out == "-":
        click.echo(text, nl=False)
        return
    Path(out).write_text(text, encoding="utf-8")
    click.echo(f"Exported the registry to {out} ({fmt}).", err=True)


@registry_cli.command("list")
@click.option("--organisations", is_flag=True, help="List organisations instead of agreements.")
@click.option("--revisions", "agreement_id", metavar="ID", help="List the revisions of one agreement.")
def list_command(organisations: bool, agreement_id: str | None) -> None:
    """List agreements (or organisations, or one agreement's revisions)."""
    with db.session_scope() as session:
        if organisations:
            for organisation in list_organisations(session=session):
                click.echo(f"{organisation.id:<40} {organisation.type:<32} {organisation.name}")
            return
        if agreement_id is not None:
            try:
                revisions = list_revisions(session=session, agreement_id=agreement_id)
            except RegistryNotFoundError as exc:
                _fail([str(exc)], "Cannot list revisions:")
                return
            for item in revisions:
                note = f"  {item.change_note}" if item.change_note else ""
                click.echo(
                    f"{item.revision:>4}  v{item.version:<8} {item.status.value:<20} "
                    f"{item.recorded_at:%Y-%m-%d %H:%M} {item.recorded_by}{note}"
                )
            return
        for summary in list_agreements(session=session):
            review = summary.review_due.isoformat() if summary.review_due else "-"
            click.echo(
                f"{summary.id:<32} {summary.kind.value:<8} v{summary.version:<8} {summary.status.value:<20} "
                f"review {review:<10}  {_plural(summary.party_count, 'party', 'parties'):<11} "
                f"{summary.title}"
            )


@registry_cli.command("copy")
@click.argument("source_id")
@click.argument("new_id")
@click.option("--title", required=True, help="The new agreement's title.")
@click.option("--actor", default="command line", show_default=True, help="Who the change log says made the copy.")
def copy(source_id: str, new_id: str, title: str, actor: str) -> None:
    """Start a new draft agreement NEW_ID from the current revision of SOURCE_ID."""
    try:
        with db.session_scope() as session:
            stored = copy_as_template(session=session, source_id=source_id, new_id=new_id, title=title, actor=actor)
    except RegistryError as exc:
        _fail(exc.lines(), "Nothing was stored:")
        return
    click.echo(f"Created {stored.agreement.id} (draft, version {stored.agreement.version}) from {source_id}.")


@registry_cli.command("check")
@click.argument("question_file", type=click.File("r", encoding="utf-8"))
def check(question_file: TextIO) -> None:
    """Check a proposed share given as JSON (a file, or '-' for standard input); print the answer as JSON.

    Exits 0 with the answer whatever the decision, and 2 when the question itself is malformed.
    """
    try:
        raw = json.load(question_file)
    except json.JSONDecodeError as exc:
        click.echo(f"The question is not valid JSON: line {exc.lineno}: {exc.msg}", err=True)
        sys.exit(2)
    try:
        question = ShareQuestionSchema().load(raw)
    except ValidationError as exc:
        _fail_question([f"{path}: {message}" for path, message in flatten_errors(exc.messages)])
        return
    grace = current_app.config.get("REVIEW_GRACE_MONTHS")
    try:
        with db.session_scope() as session:
            answer = check_proposed_share(session=session, question=question, grace_months=grace)
    except QuestionError as exc:
        _fail_question([f"{p.path}: {p.message}" for p in exc.problems])
        return
    click.echo(json.dumps(ShareAnswerSchema().dump(answer), indent=2, ensure_ascii=False))


def _fail_question(problems: list[str]) -> None:
    click.echo("The question cannot be checked:", err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(2)


@registry_cli.command("lint")
@click.argument("agreement_ids", nargs=-1)
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Lint as on this date (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def lint(agreement_ids: tuple[str, ...], as_of: datetime | None, as_json: bool) -> None:
    """Lint the current revision of the named agreements (all when none is named); exit 1 on any error."""
    day: date = as_of.date() if as_of is not None else today_in_the_uk()
    grace = current_app.config.get("REVIEW_GRACE_MONTHS")
    try:
        with db.session_scope() as session:
            results = lint_stored_agreements(
                session=session, as_of=day, agreement_ids=agreement_ids, grace_months=grace
            )
    except RegistryNotFoundError as exc:
        _fail([str(exc)], "Cannot lint:")
        return
    errors = sum(1 for r in results for f in r.findings if f.severity is Severity.ERROR)
    if as_json:
        payload = [
            {
                "agreement_id": r.agreement_id,
                "version": r.version,
                "revision": r.revision,
                "findings": FindingSchema(many=True).dump(list(r.findings)),
            }
            for r in results
        ]
        click.echo(json.dumps({"as_of": day.isoformat(), "agreements": payload}, indent=2))
    else:
        for result in results:
            head = f"{result.agreement_id} v{result.version} (revision {result.revision})"
            if not result.findings:
                click.echo(f"{head}: clean")
                continue
            click.echo(f"{head}: {_plural(len(result.findings), 'finding')}")
            for finding in result.findings:
                click.echo(f"  {finding.severity.value:<7} {finding.code.value:<36} {finding.path}: {finding.message}")
    if errors:
        sys.exit(1)


DEV_ADMIN_EMAIL = "dev-admin@example.org"


def _create_user(email: str, name: str, role: Role, organisation: str | None, password: str) -> None:
    try:
        with db.session_scope() as session:
            account = create_user(
                session=session,
                email=email,
                name=name,
                role=role.value,
                password=password,
                organisation_id=organisation,
                actor="command line",
            )
    except RegistryError as exc:
        _fail(exc.lines(), "The user was not created:")
        return
    click.echo(f"Created {account.role.value} {account.email} (user {account.id}).")


_PASSWORD = click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when not given (at least 12 characters).",
)


@registry_cli.command("create-admin")
@click.option("--email", required=True, help="The admin's email address: what they sign in with.")
@click.option("--name", required=True, help="The admin's name.")
@click.option("--organisation", help="The organisation id they belong to, if any.")
@_PASSWORD
def create_admin(email: str, name: str, organisation: str | None, password: str) -> None:
    """Create an admin user (the first one, or another)."""
    _create_user(email, name, Role.ADMIN, organisation, password)


@registry_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--organisation", help="Required for governance leads, signatories and practitioners.")
@_PASSWORD
def create_user_command(email: str, name: str, role: str, organisation: str | None, password: str) -> None:
    """Create a user with any role."""
    _create_user(email, name, Role(role), organisation, password)


@registry_cli.command("create-token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def create_token_command(email: str, name: str) -> None:
    """Create a personal API token for a user and print it: it is shown only this once."""
    try:
        with db.session_scope() as session:
            account = find_user(session=session, email=email)
            if account is None:
                raise RegistryNotFoundError(f"no user {email!r}")
            info, token = create_token(session=session, user_id=account.id, name=name, actor="command line")
    except RegistryError as exc:
        _fail(exc.lines(), "No token was created:")
        return
    click.echo(f"Token {info.prefix}… for {email} ('{info.name}'). Copy it now: it is not shown again.", err=True)
    click.echo(token)


@registry_cli.command("dev-admin")
def dev_admin() -> None:
    """Development only: create or reset the development admin with a new random password, and print it.

    Refused unless the registry runs on its embedded SQLite default (no DATABASE_URL), outside production.
    """
    if not current_app.config.get("EMBEDDED_DATABASE") or current_app.config.get("REGISTRY_ENV") == "production":
        _fail(["only on the embedded SQLite database in development (DATABASE_URL unset)"], "No development admin:")
        return
    import secrets

    password = secrets.token_urlsafe(12)
    with db.session_scope() as session:
        existing = find_user(session=session, email=DEV_ADMIN_EMAIL)
    if existing is None:
        _create_user(DEV_ADMIN_EMAIL, "Development admin (make run only)", Role.ADMIN, None, password)
    else:
        with db.session_scope() as session:
            update_user(session=session, user_id=existing.id, actor="make run", password=password, active=True)
    click.echo("")
    click.echo("DEVELOPMENT ADMIN (embedded SQLite only; the password changes on every `make run`):")
    click.echo(f"  email:    {DEV_ADMIN_EMAIL}")
    click.echo(f"  password: {password}")
    click.echo(f"  API token: .venv/bin/flask --app wsgi registry create-token {DEV_ADMIN_EMAIL}")
    click.echo("  then send 'Authorization: Bearer <token>' to /api/v1/...")


DOCUMENT_FORMATS = ("html", "pdf", "signed-pdf", "odrl")


@registry_cli.command("document")
@click.argument("agreement_id")
@click.option("--revision", type=click.IntRange(min=1), help="The revision (default: the current one).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DOCUMENT_FORMATS),
    default="pdf",
    show_default=True,
    help="html, pdf (unsigned), signed-pdf (an active revision only) or odrl (ODRL 2.2 JSON-LD).",
)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="The file to write ('-' for standard output).",
)
def document_command(agreement_id: str, revision: int | None, fmt: str, output: Path) -> None:
    """Write an agreement's document: HTML, PDF, PAdES-signed PDF or ODRL JSON-LD.

    PDFs come from the registry's cache when rendered before. Exits 1 when the agreement or revision does
    not exist, or a signed PDF is asked for a revision not signed by every party.
    """
    from registry.api.documents import odrl_base_iri, signing_identity

    try:
        with db.session_scope() as session:
            document: Document
            if fmt == "html":
                document = agreement_html(session=session, agreement_id=agreement_id, revision=revision)
            elif fmt == "pdf":
                document = agreement_pdf(session=session, agreement_id=agreement_id, revision=revision)
            elif fmt == "signed-pdf":
                document = signed_agreement_pdf(
                    session=session, agreement_id=agreement_id, revision=revision, identity=signing_identity
                )
            else:
                document = odrl_document(
                    session=session, agreement_id=agreement_id, revision=revision, base_iri=odrl_base_iri()
                )
    except RegistryError as exc:
        _fail(exc.lines(), "No document was written:")
        return
    if str(output) == "-":
        sys.stdout.buffer.write(document.content)
        return
    output.write_bytes(document.content)
    source = "from the cache" if document.cached else "rendered"
    click.echo(f"Wrote {output} ({document.filename}, {len(document.content):,} bytes, {source}).", err=True)


# Exit statuses of `registry verify`, for scripts.
VERIFY_VALID_IN_FORCE = 0
VERIFY_NOT_VALID = 1
VERIFY_UNREADABLE = 2
VERIFY_VALID_NOT_IN_FORCE = 3


@registry_cli.command("verify")
@click.argument("pdf_file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
def verify_command(pdf_file: Path) -> None:
    """Check a PDF ('-' for standard input): its signature, which agreement and revision, and whether it is in force.

    \b
    Exit status:
      0  valid (signed by this registry, matching the revision it holds) and that revision is in force
      1  the signature is not valid (altered, not this registry's, not signed, or not what the registry holds)
      2  the input cannot be read as a PDF (missing, unreadable or too large)
      3  valid, but the revision is not in force (superseded, expired, terminated...) or unknown here
    """
    from registry.api.documents import grace_months, signing_identity

    try:
        pdf = sys.stdin.buffer.read() if str(pdf_file) == "-" else pdf_file.read_bytes()
    except OSError as exc:
        click.echo(f"Cannot read {pdf_file}: {exc.strerror or exc}", err=True)
        sys.exit(VERIFY_UNREADABLE)
    try:
        with db.session_scope() as session:
            report = verify_pdf(
                session=session,
                pdf=pdf,
                identity=signing_identity,
                today=today_in_the_uk(),
                grace_months=grace_months(),
            )
    except RegistryError as exc:
        _fail(exc.lines(), "The PDF could not be checked:")
        return
    for line in report_lines(report):
        click.echo(line)
    if not report.verification.readable:
        sys.exit(VERIFY_UNREADABLE)
    if not report.valid:
        sys.exit(VERIFY_NOT_VALID)
    if not report.current:
        sys.exit(VERIFY_VALID_NOT_IN_FORCE)


def report_lines(report: VerifyReport) -> list[str]:
    """A verification report as the terminal shows it."""
    check = report.verification
    facts = check.facts

    def yes(value: bool) -> str:
        return "yes" if value else "NO"

    lines = [report.summary]
    if facts is not None:
        lines.append(f"  agreement:    {facts.agreement_id}: {facts.title}")
        lines.append(f"  revision:     {facts.revision} (version {facts.version}, {facts.status.replace('_', ' ')})")
        lines.append(f"  fingerprint:  {facts.fingerprint} (matches the registry: {yes(report.fingerprint_matches)})")
    lines.append(f"  standing:     {report.standing}")
    if report.current_revision is not None:
        status = (report.current_status or "").replace("_", " ")
        lines.append(f"  current:      revision {report.current_revision} ({status})")
    if check.signed:
        signed_at = f" at {check.signed_at:%Y-%m-%d %H:%M} UTC" if check.signed_at else ""
        lines.append(f"  signed by:    {check.signer or 'unknown'}{signed_at}")
        lines.append(
            f"  signature:    intact {yes(check.intact)}, this registry's certificate {yes(check.trusted)}, "
            f"covers the whole file {yes(check.covers_whole_file)}"
        )
    if facts is not None and facts.sign_offs:
        lines.append("  sign-offs:")
        for sign_off in facts.sign_offs:
            if sign_off.signed:
                who = f"{sign_off.signatory}, {sign_off.job_title}, on {sign_off.signed_on}"
            else:
                who = "awaiting signature"
            lines.append(f"    {sign_off.organisation_name}: {who}")
    for problem in check.problems:
        lines.append(f"  problem:      {problem}")
    return lines

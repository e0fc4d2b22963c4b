"""Every write on an audit's evidence: documents, interviews, workshops, staff data and findings.

Each service is one transaction, checks that the actor is on the facilitation team (deleting also
needs a steering role) and raises a DomainError whose message tells the person what to do.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from pathlib import PurePath

from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from audits import workflow
from audits.analysis.paygap import StaffFileError, read_staff_file
from audits.evidence import selectors, sources
from audits.evidence.models import (
    REFERENCE_FIELDS,
    Document,
    DocumentAssessment,
    EvidenceKind,
    Excerpt,
    Finding,
    FindingEvidence,
    Interview,
    InterviewKind,
    InterviewMode,
    StaffDataset,
    StaffRecord,
    Workshop,
    WorkshopStatement,
)
from audits.evidence.uploads import DOCUMENT_KINDS, STAFF_FILE_KINDS, checked_upload
from audits.models import FACILITATION_ROLES, Audit, KeyArea
from config.errors import DomainError, Forbidden, validated

FOREIGN_KEY_REFERENCES = ("excerpt", "workshop_statement", "document_assessment")


def _require_team(actor, audit: Audit) -> None:
    if not selectors.is_facilitator(actor, audit):
        raise Forbidden(_("Only the audit's facilitation team can record or read evidence."))


def _require_delete(actor, audit: Audit) -> None:
    _require_team(actor, audit)
    if not selectors.can_delete(actor, audit):
        raise Forbidden(_("Only the facilitator steering the audit can delete evidence."))


def _require_open(audit: Audit) -> None:
    if not workflow.is_open(audit):
        raise DomainError(
            _("The audit is %(phase)s; its evidence can change only while the audit is open.")
            % {"phase": workflow.phase_label(audit, audit.phase).lower()}
        )


def _writable(actor, audit: Audit) -> None:
    _require_team(actor, audit)
    _require_open(audit)
    audit.__dict__.pop("_evidence_cache", None)


def _key_areas(audit: Audit, key_areas: Iterable[KeyArea | str]) -> list[KeyArea]:
    """Key areas (objects or codes) of the audit's methodology; unknown codes are refused."""
    codes = [ka.code if isinstance(ka, KeyArea) else str(ka).strip().upper() for ka in key_areas]
    found = {ka.code: ka for ka in audit.methodology.key_areas.filter(code__in=codes)}
    unknown = sorted(set(codes) - set(found))
    if unknown:
        raise DomainError(_("Unknown key areas for this audit: %(codes)s.") % {"codes": ", ".join(unknown)})
    return [found[code] for code in dict.fromkeys(codes)]


def _delete(instance, what: str) -> None:
    try:
        instance.delete()
    except ProtectedError as error:
        findings = sorted(
            {
                f"{citation.finding.key_area.code} “{citation.finding.statement[:50]}”"
                for citation in error.protected_objects
                if isinstance(citation, FindingEvidence)
            }
        )
        raise DomainError(
            _("This %(what)s supports findings; remove it from them first.") % {"what": what},
            details=findings,
        ) from None


# Documents


def document_add(
    *,
    actor,
    audit: Audit,
    title: str,
    doc_type: str,
    key_areas: Iterable[KeyArea | str] = (),
    date: datetime.date | None = None,
    upload=None,
    link: str = "",
) -> Document:
    """Keep a document for the desk review: a checked upload (stored under a random name) or a link."""
    _writable(actor, audit)
    if upload is None and not link.strip():
        raise DomainError(_("Upload a file or give a link."))
    kind = checked_upload(upload, allowed=DOCUMENT_KINDS) if upload is not None else None
    chosen = _key_areas(audit, key_areas)
    document = Document(
        audit=audit, title=title.strip(), doc_type=doc_type, date=date, link=link.strip(), added_by=actor
    )
    if upload is not None:
        document.original_name = PurePath(upload.name).name[:255]
        document.content_type = kind.content_type
        document.size = upload.size
    validated(document, exclude=["file"])
    if upload is not None:
        upload.seek(0)
        document.file.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            document.key_areas.set(chosen)
    except Exception:
        if document.file:
            document.file.delete(save=False)
        raise
    return document


def document_assess(
    *, actor, document: Document, assessments: Iterable[tuple[KeyArea, int, str, str]]
) -> list[DocumentAssessment]:
    """Record the review: (key area, criterion index, rating, notes); a blank rating clears it."""
    audit = document.audit
    _writable(actor, audit)
    concerned = {ka.pk: ka for ka in document.key_areas.all()}
    kept = []
    with transaction.atomic():
        for key_area, criterion, rating, notes in assessments:
            if key_area.pk not in concerned:
                raise DomainError(
                    _("%(document)s is not tagged with %(code)s; tag it first.")
                    % {"document": document.title, "code": key_area.code}
                )
            if not 0 <= criterion < len(key_area.questions):
                raise DomainError(
                    _("%(code)s has no criterion %(n)d.") % {"code": key_area.code, "n": criterion + 1}
                )
            existing = DocumentAssessment.objects.filter(
                document=document, key_area=key_area, criterion=criterion
            ).first()
            if not rating:
                if existing is not None:
                    _delete(existing, _("assessment"))
                continue
            assessment = existing or DocumentAssessment(
                document=document, key_area=key_area, criterion=criterion
            )
            assessment.rating, assessment.notes, assessment.reviewer = rating, notes.strip(), actor
            validated(assessment, exclude=["document", "key_area"])
            assessment.save()
            kept.append(assessment)
    return kept


def document_delete(*, actor, document: Document) -> None:
    _require_delete(actor, document.audit)
    stored = document.file.name if document.file else ""
    storage = document.file.storage
    with transaction.atomic():
        _delete(document, _("document"))
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))


# Interviews


INTERVIEW_FIELDS = (
    "kind",
    "participants",
    "scheduled_at",
    "time_zone",
    "mode",
    "video_link",
    "location",
    "grade",
    "gender",
    "role",
    "consent",
    "name_consent",
    "interviewee_name",
    "notes",
)


def _check_time_zone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise DomainError(_("Unknown time zone %(zone)s.") % {"zone": name}) from None


def _interviewers(audit: Audit, people) -> list:
    people = list(people)
    team = set(audit.team.filter(role__in=FACILITATION_ROLES).values_list("user_id", flat=True))
    outsiders = [str(person) for person in people if person.pk not in team]
    if outsiders:
        raise DomainError(
            _("Interviewers come from the facilitation team; not on it: %(people)s.")
            % {"people": ", ".join(outsiders)}
        )
    return people


def _apply_interview(interview: Interview, changes: dict) -> None:
    for name, value in changes.items():
        setattr(interview, name, value.strip() if isinstance(value, str) and name != "notes" else value)
    if interview.kind == InterviewKind.INDIVIDUAL:
        interview.participants = 1
    if interview.mode != InterviewMode.VIDEO:
        interview.video_link = ""
    if not interview.name_consent:
        interview.interviewee_name = ""
    if interview.consent and interview.consent_recorded_at is None:
        interview.consent_recorded_at = timezone.now()
    if not interview.consent:
        interview.consent_recorded_at = None
    if interview.scheduled_at is not None and timezone.is_naive(interview.scheduled_at):
        _check_time_zone(interview.time_zone)
        interview.scheduled_at = interview.scheduled_at.replace(tzinfo=zoneinfo.ZoneInfo(interview.time_zone))


def _require_consent_for_notes(interview: Interview) -> None:
    if interview.notes.strip() and not interview.consent:
        raise DomainError(_("Record the interviewee's consent before keeping notes."))


def interview_create(*, actor, audit: Audit, interviewers=(), **fields) -> Interview:
    """Schedule (or record) an interview; a naive time is read in the interview's time zone."""
    unknown = set(fields) - set(INTERVIEW_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    _writable(actor, audit)
    _check_time_zone(fields.get("time_zone", "UTC"))
    interview = Interview(audit=audit, created_by=actor)
    _apply_interview(interview, fields)
    _require_consent_for_notes(interview)
    validated(interview, exclude=["audit"])
    people = _interviewers(audit, interviewers)
    with transaction.atomic():
        interview.save()
        interview.interviewers.set(people)
    return interview


def interview_update(*, actor, interview: Interview, interviewers=None, **changes) -> Interview:
    unknown = set(changes) - set(INTERVIEW_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    audit = interview.audit
    _writable(actor, audit)
    if "time_zone" in changes:
        _check_time_zone(changes["time_zone"])
    with transaction.atomic():
        interview = Interview.objects.select_for_update().get(pk=interview.pk)
        _apply_interview(interview, changes)
        _require_consent_for_notes(interview)
        if not interview.consent and interview.excerpts.exists():
            raise DomainError(
                _(
                    "The interview has coded excerpts; its consent cannot be withdrawn here. "
                    "Delete the excerpts first."
                )
            )
        validated(interview, exclude=["audit"])
        interview.save()
        if interviewers is not None:
            interview.interviewers.set(_interviewers(audit, interviewers))
    return interview


def interview_delete(*, actor, interview: Interview) -> None:
    _require_delete(actor, interview.audit)
    with transaction.atomic():
        _delete(interview, _("interview"))


def excerpt_add(
    *, actor, interview: Interview, kind: str, text: str, code: str, key_areas: Iterable[KeyArea | str]
) -> Excerpt:
    """Code a quotation or summary to key areas as a strength, a gap or a recommendation idea."""
    audit = interview.audit
    _writable(actor, audit)
    if not interview.consent:
        raise DomainError(_("Record the interviewee's consent before coding excerpts."))
    chosen = _key_areas(audit, key_areas)
    if not chosen:
        raise DomainError(_("Tag the excerpt with at least one key area."))
    excerpt = validated(
        Excerpt(interview=interview, kind=kind, text=text.strip(), code=code, created_by=actor)
    )
    with transaction.atomic():
        excerpt.save()
        excerpt.key_areas.set(chosen)
    return excerpt


def excerpt_delete(*, actor, excerpt: Excerpt) -> None:
    _require_delete(actor, excerpt.interview.audit)
    with transaction.atomic():
        _delete(excerpt, _("excerpt"))


# Workshops


def _exercises(value) -> list[str]:
    lines = value.splitlines() if isinstance(value, str) else list(value)
    return [line.strip() for line in lines if str(line).strip()]


def workshop_create(
    *,
    actor,
    audit: Audit,
    title: str,
    date: datetime.date,
    delivery: str,
    women: int = 0,
    men: int = 0,
    other: int = 0,
    exercises: Iterable[str] | str = (),
) -> Workshop:
    _writable(actor, audit)
    workshop = Workshop(
        audit=audit,
        title=title.strip(),
        date=date,
        delivery=delivery,
        women=women,
        men=men,
        other=other,
        exercises=_exercises(exercises),
        created_by=actor,
    )
    validated(workshop)
    workshop.save()
    return workshop


def workshop_update(*, actor, workshop: Workshop, **changes) -> Workshop:
    allowed = {"title", "date", "delivery", "women", "men", "other", "exercises"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    _writable(actor, workshop.audit)
    if "exercises" in changes:
        changes["exercises"] = _exercises(changes["exercises"])
    for name, value in changes.items():
        setattr(workshop, name, value.strip() if isinstance(value, str) else value)
    validated(workshop)
    workshop.save()
    return workshop


def workshop_delete(*, actor, workshop: Workshop) -> None:
    _require_delete(actor, workshop.audit)
    with transaction.atomic():
        _delete(workshop, _("workshop"))


def statement_add(
    *,
    actor,
    workshop: Workshop,
    key_area: KeyArea | str,
    kind: str,
    text: str,
    exercise: str = "",
    promoted: bool = False,
) -> WorkshopStatement:
    """Capture one output of an exercise for a key area; promoted outputs count as evidence."""
    audit = workshop.audit
    _writable(actor, audit)
    (chosen,) = _key_areas(audit, [key_area])
    exercise = exercise.strip()
    if exercise and exercise not in workshop.exercises:
        raise DomainError(
            _("%(exercise)s is not an exercise of this workshop; add it to the workshop first.")
            % {"exercise": exercise}
        )
    statement = WorkshopStatement(
        workshop=workshop,
        key_area=chosen,
        kind=kind,
        text=text.strip(),
        exercise=exercise,
        promoted=promoted,
        created_by=actor,
    )
    validated(statement)
    statement.save()
    return statement


def statement_promote(*, actor, statement: WorkshopStatement, promoted: bool = True) -> WorkshopStatement:
    """Promote a statement to evidence, or take it back while no finding cites it."""
    _writable(actor, statement.workshop.audit)
    if not promoted and statement.citations.exists():
        raise DomainError(_("A finding cites this statement; remove it from the finding first."))
    statement.promoted = promoted
    statement.save(update_fields=["promoted"])
    return statement


def statement_delete(*, actor, statement: WorkshopStatement) -> None:
    _require_delete(actor, statement.workshop.audit)
    with transaction.atomic():
        _delete(statement, _("statement"))


# Staff data


class StaffFileRejected(DomainError):
    """The staff file was refused whole; `details` lists every problem by row and column."""


def staff_file_upload(*, actor, audit: Audit, upload) -> StaffDataset:
    """Validate the whole staff file, then replace the audit's staff data in one transaction.

    Nothing is stored when any row is faulty; the error lists every problem by row and column.
    """
    _writable(actor, audit)
    checked_upload(upload, allowed=STAFF_FILE_KINDS)
    upload.seek(0)
    name = PurePath(upload.name).name[:255]
    try:
        frame = read_staff_file(upload.read(), name)
    except StaffFileError as error:
        raise StaffFileRejected(
            _("The staff file was not stored: %(n)d problem(s) to correct.") % {"n": len(error.problems)},
            details=error.problems,
        ) from None
    breakdowns = [column for column in selectors.BREAKDOWN_COLUMNS if column in frame.columns]
    for column in selectors.BREAKDOWN_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    with transaction.atomic():
        StaffDataset.objects.filter(audit=audit).delete()
        dataset = StaffDataset.objects.create(
            audit=audit, source_name=name, workers=len(frame), columns=breakdowns, uploaded_by=actor
        )
        _insert_staff_records(dataset, frame)
    return dataset


def _insert_staff_records(dataset: StaffDataset, frame) -> None:
    """Write the workers in bulk: COPY on PostgreSQL, one executemany elsewhere.

    A 100,000-worker file takes a second this way instead of 10 to 16 through bulk_create; the
    values are already validated by read_staff_file and the table has no signals or defaults to run.
    """
    fields = ["dataset", "row", *selectors.STAFF_FIELDS]
    quote = connection.ops.quote_name
    table = quote(StaffRecord._meta.db_table)
    columns = ", ".join(quote(StaffRecord._meta.get_field(name).column) for name in fields)
    values = frame[list(selectors.STAFF_FIELDS)].astype(object).to_numpy().tolist()
    rows = [(dataset.pk, row, *record) for row, record in zip(frame.index.tolist(), values, strict=True)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def staff_data_delete(*, actor, audit: Audit) -> None:
    _require_delete(actor, audit)
    with transaction.atomic():
        citing = FindingEvidence.objects.filter(finding__audit=audit, kind=EvidenceKind.STAFF_INDICATOR)
        if citing.exists():
            raise DomainError(_("Findings cite staff figures; remove them from the findings first."))
        StaffDataset.objects.filter(audit=audit).delete()


# Findings


def _evidence_rows(actor, audit: Audit, key_area: KeyArea, keys: Iterable[str]) -> list[FindingEvidence]:
    """The cited items, looked up on the key area's board so only evidence the team can see is cited."""
    keys = list(dict.fromkeys(key.strip() for key in keys if key.strip()))
    if not keys:
        raise DomainError(_("Cite at least one piece of evidence from the key area's board."))
    available = sources.items_by_key(audit, key_area, actor)
    unknown = [key for key in keys if key not in available]
    if unknown:
        raise DomainError(
            _("This evidence is not on the board of %(code)s: %(keys)s.")
            % {"code": key_area.code, "keys": ", ".join(unknown)}
        )
    rows = []
    for key in keys:
        item = available[key]
        if item.kind not in EvidenceKind.values:
            raise DomainError(_("Evidence of kind %(kind)s cannot be cited.") % {"kind": item.kind})
        field = REFERENCE_FIELDS[EvidenceKind(item.kind)]
        foreign_key = field in FOREIGN_KEY_REFERENCES
        reference = {f"{field}_id": int(item.ref)} if foreign_key else {field: item.ref}
        rows.append(FindingEvidence(kind=item.kind, snapshot=item.citation, **reference))
    return rows


def finding_create(
    *, actor, audit: Audit, key_area: KeyArea | str, kind: str, statement: str, evidence: Iterable[str]
) -> Finding:
    """Draft a good practice or gap for a key area, citing items of its evidence board by key."""
    _writable(actor, audit)
    (chosen,) = _key_areas(audit, [key_area])
    finding = validated(
        Finding(audit=audit, key_area=chosen, kind=kind, statement=statement.strip(), created_by=actor)
    )
    rows = _evidence_rows(actor, audit, chosen, evidence)
    with transaction.atomic():
        finding.save()
        for row in rows:
            row.finding = finding
        FindingEvidence.objects.bulk_create(rows)
    return finding


def finding_update(
    *, actor, finding: Finding, kind: str | None = None, statement: str | None = None, evidence=None
) -> Finding:
    """Change a finding's wording or kind; a new evidence list replaces the cited items."""
    audit = finding.audit
    _writable(actor, audit)
    if kind is not None:
        finding.kind = kind
    if statement is not None:
        finding.statement = statement.strip()
    validated(finding)
    rows = _evidence_rows(actor, audit, finding.key_area, evidence) if evidence is not None else None
    with transaction.atomic():
        finding.save()
        if rows is not None:
            finding.evidence.all().delete()
            for row in rows:
                row.finding = finding
            FindingEvidence.objects.bulk_create(rows)
    return finding


def finding_delete(*, actor, finding: Finding) -> None:
    _require_delete(actor, finding.audit)
    finding.delete()

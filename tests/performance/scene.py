"""One audit (and its neighbours) whose listed rows can be grown, to count queries at two sizes.

Each `add_*` method adds `count` rows of one listed thing, with the related rows a page or API
would otherwise fetch one by one (key areas, citations, comments, history, team members).
"""

from __future__ import annotations

import datetime
import itertools
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Gender
from audits import services as audit_services
from audits.evidence import services as evidence
from audits.evidence.models import EvidenceKind
from audits.models import Audit, PhaseTransition, TeamMember, TeamRole
from audits.roadmap import services as roadmap
from audits.roadmap.models import ActionTemplate
from audits.surveys import services as surveys
from audits.surveys.models import Instrument, Response
from facilitators.models import FacilitatorProfile
from reports.models import RenderStatus, ReportRender, ReportSnapshot
from selfassessment import services as geosa
from tests.facilitators import factories as certifications
from tests.factories import OrganizationFactory, StaffFactory, UserFactory, add_member, certify, make_audit

CODES = ("KA04", "KA08")
WHEN = datetime.datetime(2027, 3, 12, 8, 0, tzinfo=datetime.UTC)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
_numbers = itertools.count(1)


def set_phase(audit: Audit, phase: str) -> Audit:
    Audit.objects.filter(pk=audit.pk).update(phase=phase)
    return Audit.objects.get(pk=audit.pk)


class Scene:
    """A selective audit in feedback with its team, an instrument, a GEOSA and a certification desk."""

    def __init__(self, methodology, cert_staff):
        self.methodology = methodology
        self.staff = StaffFactory()
        self.cert_staff = cert_staff
        self.organization = OrganizationFactory()
        audit = make_audit("selective", organization=self.organization, people_in_scope=60)
        audit_services.audit_set_key_areas(actor=self.staff, audit=audit, codes=list(CODES))
        self.lead = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN).user
        self.co = add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN).user
        self.coordinator = add_member(audit, TeamRole.COORDINATOR).user
        self.audit = set_phase(audit, "feedback")
        self.key_areas = list(audit.key_areas.order_by("order"))
        self.recommendation = None
        self.geosa_audit = None

    def refresh(self) -> Audit:
        self.audit = Audit.objects.get(pk=self.audit.pk)
        return self.audit

    # Audits and their teams

    def add_audits(self, count: int) -> None:
        """Audits the lead sees, each with a team, key areas and a phase history."""
        for _ in range(count):
            audit = make_audit("selective", organization=OrganizationFactory())
            audit_services.audit_set_key_areas(actor=self.staff, audit=audit, codes=list(CODES))
            TeamMember.objects.create(audit=audit, user=self.lead, role=TeamRole.LEAD)
            add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN)
            add_member(audit, TeamRole.COORDINATOR)
            PhaseTransition.objects.create(
                audit=audit, from_phase=audit.phase, to_phase=audit.phase, actor=self.staff, comment="x"
            )

    def add_organizations(self, count: int) -> None:
        """Organizations with units, which the staff user (who sees all) lists."""
        for _ in range(count):
            audit_services.organization_create(
                actor=self.staff, name=f"Agency {next(_numbers)}", units=["Finance", "Human resources"]
            )

    def add_team(self, count: int) -> None:
        for _ in range(count):
            add_member(self.audit, TeamRole.TRAINEE, gender=Gender.MAN)

    def add_history(self, count: int) -> None:
        for _ in range(count):
            PhaseTransition.objects.create(
                audit=self.audit, from_phase="feedback", to_phase="feedback", actor=self.lead, comment="x"
            )

    # Evidence

    def add_documents(self, count: int) -> None:
        for _ in range(count):
            document = evidence.document_add(
                actor=self.lead,
                audit=self.audit,
                title=f"HR manual {next(_numbers)}",
                doc_type="hr_rule",
                key_areas=list(CODES),
                upload=SimpleUploadedFile("hr.pdf", PDF),
            )
            evidence.document_assess(
                actor=self.lead,
                document=document,
                assessments=[(area, 1, "partly", "Leave for mothers only.") for area in self.key_areas],
            )

    def add_interviews(self, count: int) -> None:
        for _ in range(count):
            interview = evidence.interview_create(
                actor=self.lead,
                audit=self.audit,
                interviewers=[self.lead, self.co],
                kind="individual",
                scheduled_at=WHEN,
                time_zone="UTC",
                mode="phone",
                consent=True,
            )
            for area in self.key_areas:
                evidence.excerpt_add(
                    actor=self.lead,
                    interview=interview,
                    kind="quotation",
                    text=f"Promotions go to those who stay late ({area.code}).",
                    code="gap",
                    key_areas=list(CODES),
                )

    def add_workshops(self, count: int) -> None:
        for _ in range(count):
            workshop = evidence.workshop_create(
                actor=self.lead,
                audit=self.audit,
                title=f"Workshop {next(_numbers)}",
                date=datetime.date(2027, 3, 15),
                delivery="online",
                women=9,
                men=8,
                exercises=["Gender web"],
            )
            for area in self.key_areas:
                evidence.statement_add(
                    actor=self.lead,
                    workshop=workshop,
                    key_area=area.code,
                    kind="works",
                    text="Flexible hours help parents.",
                    promoted=True,
                )

    def add_findings(self, count: int) -> list:
        """Findings citing an excerpt and a workshop statement, each commented by the coordinator."""
        made = []
        for _ in range(count):
            area = self.key_areas[len(made) % len(self.key_areas)]
            interview = evidence.interview_create(
                actor=self.lead,
                audit=self.audit,
                kind="individual",
                scheduled_at=WHEN,
                mode="phone",
                consent=True,
            )
            excerpt = evidence.excerpt_add(
                actor=self.lead,
                interview=interview,
                kind="summary",
                text="Staff describe late meetings.",
                code="gap",
                key_areas=[area.code],
            )
            workshop = evidence.workshop_create(
                actor=self.lead,
                audit=self.audit,
                title="Workshop",
                date=datetime.date(2027, 2, 1),
                delivery="on_site",
                women=9,
                men=8,
            )
            statement = evidence.statement_add(
                actor=self.lead,
                workshop=workshop,
                key_area=area.code,
                kind="does_not_work",
                text="Meetings run late.",
                promoted=True,
            )
            finding = evidence.finding_create(
                actor=self.lead,
                audit=self.audit,
                key_area=area.code,
                kind="gap",
                statement=f"A gap in {area.code}.",
                evidence=[
                    f"{EvidenceKind.EXCERPT}:{excerpt.pk}",
                    f"{EvidenceKind.WORKSHOP_STATEMENT}:{statement.pk}",
                ],
            )
            roadmap.feedback_share(actor=self.lead, audit=self.audit)
            roadmap.comment_add(
                actor=self.coordinator, audit=self.audit, finding=finding, text="Please say which unit."
            )
            made.append(finding)
        return made

    def add_recommendations(self, count: int) -> list:
        made = []
        for finding in self.add_findings(count):
            recommendation = roadmap.recommendation_create(
                actor=self.lead,
                audit=self.audit,
                key_area=finding.key_area,
                findings=[finding],
                text="Review pay by sex every year.",
            )
            roadmap.comment_add(
                actor=self.coordinator, audit=self.audit, recommendation=recommendation, text="When?"
            )
            made.append(recommendation)
        return made

    def add_actions(self, count: int) -> None:
        """Roadmap actions from the library, each with a progress update."""
        if self.recommendation is None:
            (self.recommendation,) = self.add_recommendations(1)
        template = ActionTemplate.objects.filter(
            methodology=self.audit.methodology, key_area=self.recommendation.key_area
        ).first()
        for _ in range(count):
            roadmap.action_from_template(
                actor=self.lead,
                audit=self.audit,
                recommendation=self.recommendation,
                template=template,
                start=datetime.date(2027, 6, 1),
                baseline=10,
                target=80,
            )

    def add_progress(self, count: int) -> None:
        """Actions in follow-up, each with progress recorded by the coordinator."""
        self.audit = set_phase(self.audit, "feedback")
        before = set(self.audit.roadmap_actions.values_list("pk", flat=True))
        self.add_actions(count)
        self.audit = set_phase(self.audit, "follow_up")
        for action in self.audit.roadmap_actions.exclude(pk__in=before):
            roadmap.action_progress(actor=self.lead, action=action, status="in_progress", value=20, note="ok")

    # Survey

    def prepare_survey(self) -> None:
        instrument = Instrument.objects.get(
            methodology=self.methodology, code="pga-staff", audit__isnull=True
        )
        surveys.survey_prepare(actor=self.lead, audit=self.audit, instrument=instrument)

    def add_questions(self, count: int) -> None:
        section = self.audit.survey.instrument.sections.order_by("order").first()
        for _ in range(count):
            surveys.question_add(
                actor=self.lead,
                audit=self.audit,
                data=surveys.QuestionInput(
                    section=section.code,
                    type="likert",
                    text={"en": f"Question {next(_numbers)}?"},
                    key_areas=list(CODES),
                    choices=[],
                ),
            )

    def open_survey(self) -> None:
        self.prepare_survey()
        surveys.survey_open(
            actor=self.lead,
            audit=self.audit,
            closes_on=timezone.localdate() + datetime.timedelta(days=7),
            mode="single_use",
        )

    def add_invitations(self, count: int) -> None:
        emails = [f"person{next(_numbers)}@example.org" for _ in range(count)]
        surveys.invitations_add(actor=self.lead, audit=self.audit, emails=emails, base_url="http://x")

    def add_responses(self, count: int) -> None:
        """Responses answering every scale question, from women and men in two categories."""
        survey = self.audit.survey
        codes = list(survey.instrument.questions.filter(type="likert").values_list("code", flat=True))
        Response.objects.bulk_create(
            Response(
                survey=survey,
                submission_key=uuid.uuid4().hex,
                answers=dict.fromkeys(codes, str(1 + index % 5)),
                gender=("woman", "man")[index % 2],
                staff_category=("professional", "support")[index % 2],
            )
            for index in range(count)
        )

    # Reports

    def add_renders(self, count: int) -> None:
        for _ in range(count):
            ReportRender.objects.create(
                audit=self.audit, language="en", status=RenderStatus.QUEUED, requested_by=self.lead
            )

    def add_snapshots(self, count: int) -> None:
        start = self.audit.report_snapshots.count()
        for version in range(start + 1, start + count + 1):
            render = ReportRender.objects.create(
                audit=self.audit, language="en", final=True, status=RenderStatus.READY, requested_by=self.lead
            )
            ReportSnapshot.objects.create(
                audit=self.audit,
                version=version,
                language="en",
                pdf=PDF,
                sha256="0" * 64,
                data_version="v",
                pages=1,
                size=len(PDF),
                issued_by=self.lead,
                render=render,
            )

    # GEOSA

    def geosa(self) -> Audit:
        """A GEOSA in technical review with every key area chosen, its adviser and internal team."""
        if self.geosa_audit is None:
            audit = make_audit("geosa", planned_start=None, planned_end=None, people_in_scope=30)
            self.focal_point = add_member(audit, TeamRole.COORDINATOR).user
            audit.key_areas.set(self.methodology.key_areas.all())
            self.adviser = UserFactory(gender=Gender.MAN)
            certify(self.adviser)
            request = geosa.adviser_request(actor=self.focal_point, audit=audit, adviser=self.adviser)
            geosa.adviser_respond(actor=self.adviser, request=request, accept=True)
            self.geosa_audit = set_phase(audit, "self_assessment")
        return self.geosa_audit

    def add_ratings(self, count: int) -> None:
        """Ratings of the next key areas, each questioned by the adviser and answered."""
        audit = self.geosa()
        rated = set(audit.geosa_ratings.values_list("key_area__code", flat=True))
        codes = [area.code for area in audit.key_areas.order_by("order") if area.code not in rated][:count]
        for code in codes:
            rating = geosa.rating_save(
                actor=self.focal_point, audit=audit, key_area=code, level=2, justification="Why."
            )
            comment = geosa.comment_add(actor=self.adviser, rating=rating, kind="question", text="Proof?")
            geosa.comment_answer(actor=self.focal_point, comment=comment, answer="The HR manual.")
            geosa.team_member_add(
                actor=self.focal_point,
                audit=audit,
                name=f"Member {code}",
                trained_on=datetime.date(2026, 1, 1),
            )

    def add_adviser_requests(self, count: int) -> None:
        """GEOSAs asking the same adviser for help (the adviser's request list)."""
        if self.geosa_audit is None:
            self.geosa()
        for _ in range(count):
            audit = make_audit("geosa", planned_start=None, planned_end=None, people_in_scope=30)
            focal_point = add_member(audit, TeamRole.COORDINATOR).user
            geosa.adviser_request(actor=focal_point, audit=audit, adviser=self.adviser, message="Help")

    # Certification

    def add_certifications(self, count: int) -> None:
        """Candidates far along, so each has documents, training, practice, evaluations (and decisions)."""
        states = ["certified", "in_practice"]
        for _ in range(count):
            state = states[next(_numbers) % len(states)]
            certifications.walk_to(state, self.cert_staff)

    def add_roster(self, count: int) -> None:
        """Certified facilitators who publish everything on the public roster."""
        for _ in range(count):
            user = UserFactory(gender=Gender.WOMAN)
            certify(user, certified_on=datetime.date(2026, 1, 1), expires_on=datetime.date(2099, 1, 1))
            FacilitatorProfile.objects.filter(user=user).update(
                publish_on_roster=True,
                publish_languages=True,
                publish_regions=True,
                publish_expertise=True,
                publish_contact=True,
                languages="English, French",
                regions="Africa",
                expertise="Pay equity",
            )

    def add_practice(self, count: int) -> None:
        """Evaluated practice records of one candidate, who lists them through the API."""
        if not hasattr(self, "candidate"):
            self.candidate = certifications.walk_to("in_practice", self.cert_staff).facilitator.user
            self.supervisor = UserFactory()
        for _ in range(count):
            certifications.evaluate(certifications.practice_audit(self.candidate, self.supervisor))

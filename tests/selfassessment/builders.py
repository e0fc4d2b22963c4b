"""A GEOSA audit steered by its focal point, with a certified facilitator ready to advise."""

import datetime

from accounts.models import Gender
from audits.models import Audit, TeamRole
from selfassessment import services
from tests.factories import OrganizationFactory, UserFactory, add_member, certify, make_audit


class Geosa:
    def __init__(self, methodology, organization=None, title="Geosa audit"):
        self.organization = organization or OrganizationFactory()
        self.audit = make_audit(
            "geosa",
            organization=self.organization,
            title=title,
            planned_start=None,
            planned_end=None,
            people_in_scope=30,
        )
        self.focal_point = add_member(self.audit, TeamRole.COORDINATOR, gender=Gender.WOMAN).user
        self.audit.key_areas.set(methodology.key_areas.filter(code__in=["KA04", "KA08", "KA09"]))
        self.adviser = UserFactory(gender=Gender.MAN)
        certify(self.adviser, certified_on=datetime.date(2024, 1, 1), expires_on=datetime.date(2029, 1, 1))

    def refresh(self) -> Audit:
        self.audit = Audit.objects.get(pk=self.audit.pk)
        return self.audit

    def with_adviser(self):
        request = services.adviser_request(actor=self.focal_point, audit=self.audit, adviser=self.adviser)
        services.adviser_respond(actor=self.adviser, request=request, accept=True)
        return self

    def with_trained_team(self, size: int = 3):
        start = self.audit.internal_team.count()
        for index in range(start, start + size):
            services.team_member_add(
                actor=self.focal_point,
                audit=self.audit,
                name=f"Member {index}",
                trained_on=datetime.date(2026, 1, 10),
            )
        return self

    def to(self, phase: str) -> Audit:
        Audit.objects.filter(pk=self.audit.pk).update(phase=phase)
        return self.refresh()

    def plan_an_action(self):
        """Adopt the first typical action of the library for the lowest-rated key area."""
        from audits.roadmap.models import ActionTemplate

        lowest = min(self.audit.geosa_ratings.select_related("key_area"), key=lambda rating: rating.level)
        template = ActionTemplate.objects.filter(key_area=lowest.key_area).order_by("order").first()
        return services.suggestion_adopt(
            actor=self.focal_point, audit=self.refresh(), template_id=template.pk
        )

    def rate_all(self, levels=None):
        levels = levels or {"KA04": 2, "KA08": 4, "KA09": 3}
        return [
            services.rating_save(
                actor=self.focal_point,
                audit=self.audit,
                key_area=code,
                level=level,
                justification=f"Why {code}",
            )
            for code, level in levels.items()
        ]

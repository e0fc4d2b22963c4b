"""factory-boy factories; audits are built through the service so they start in a real phase."""

import datetime

import factory
from django.contrib.auth import get_user_model

from accounts.models import Gender
from audits import services
from audits.models import Organization, TeamMember, TeamRole, Unit

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    gender = Gender.WOMAN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Ministry of Labour {n}")
    country = "Ukraine"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


def make_audit(modality="selective", *, organization=None, creator=None, **fields):
    """An audit in its first phase, created by a staff user (who is not added to the team)."""
    creator = creator or StaffFactory()
    defaults = {
        "title": f"{modality.title()} audit",
        "people_in_scope": 40,
        "planned_start": datetime.date(2027, 1, 10),
        "planned_end": datetime.date(2027, 3, 10),
    }
    return services.audit_create(
        actor=creator,
        organization=organization or OrganizationFactory(),
        modality=modality,
        **{**defaults, **fields},
    )


def certify(user, *, certified_on=datetime.date(2025, 1, 1), expires_on=datetime.date(2030, 1, 1)):
    """Give a person a certification in force between the two dates, unless they already have one."""
    from django.conf import settings

    from facilitators.library import load_programme
    from facilitators.models import Certificate, CertificateKind, Certification, FacilitatorProfile

    existing = Certification.objects.filter(facilitator__user=user).first()
    if existing is not None:
        return existing
    programme = load_programme(settings.METHODOLOGY_LIBRARY / "certification" / "2026.1").programme
    profile, _created = FacilitatorProfile.objects.get_or_create(user=user)
    certification = Certification.objects.create(
        facilitator=profile,
        programme=programme,
        applicant_type="practitioner",
        state="certified",
        applied_on=certified_on - datetime.timedelta(days=200),
        certified_on=certified_on,
        expires_on=expires_on,
    )
    Certificate.objects.create(
        certification=certification,
        code=f"TEST{user.pk:012d}",
        kind=CertificateKind.CERTIFICATION,
        issued_on=certified_on,
        expires_on=expires_on,
    )
    return certification


def add_member(audit, role, *, gender=Gender.WOMAN, user=None, certified=True):
    """A team member; a lead facilitator is certified unless `certified=False` (the valid default)."""
    user = user or UserFactory(gender=gender)
    if role == TeamRole.LEAD and certified:
        certify(user)
    return TeamMember.objects.create(audit=audit, user=user, role=role)


def ready_selective_team(audit):
    """A certified lead, a co-facilitator (women and men), and a coordinator: the team guards pass."""
    lead = add_member(audit, TeamRole.LEAD, gender=Gender.WOMAN)
    add_member(audit, TeamRole.CO_FACILITATOR, gender=Gender.MAN)
    add_member(audit, TeamRole.COORDINATOR, gender=Gender.WOMAN)
    return lead

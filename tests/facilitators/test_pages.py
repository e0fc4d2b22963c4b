"""The pages: who may see what, the pipeline dashboard, the CSV export, forms and documents."""

import csv
import io

import pytest
from django.urls import reverse

from facilitators import services
from facilitators.models import Certificate, CertificationState, Evaluation
from tests.facilitators import factories as f
from tests.factories import PASSWORD, StaffFactory, UserFactory

S = CertificationState
pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def in_practice_blocked_on_evaluation(staff):
    ana = UserFactory(username="ana", first_name="Ana", last_name="Silva")
    lena = UserFactory(username="lena", first_name="Lena", last_name="Lead")
    certification = f.walk_to(S.IN_PRACTICE, staff, user=ana)
    f.evaluate(f.practice_audit(ana, lena, title="Ministry of Labour"))
    pending = f.practice_audit(ana, lena, title="Social insurance fund")
    return certification, pending


def test_the_public_and_facilitators_cannot_see_the_dashboard(client, programme, cert_staff):
    certification = f.walk_to(S.APPLICANT, cert_staff)
    assert client.get("/certification/").status_code == 302  # to the sign-in page
    assert client.get("/certification/export.csv").status_code == 302
    signed_in(client, certification.facilitator.user)
    assert client.get("/certification/").status_code == 404
    assert client.get("/certification/export.csv").status_code == 404


def test_another_facilitator_cannot_see_a_candidate(client, programme, cert_staff):
    certification = f.walk_to(S.IN_TRAINING, cert_staff)
    other = f.apply()
    signed_in(client, other.facilitator.user)
    for url in (
        f"/certification/candidates/{certification.pk}/",
        f"/certification/candidates/{certification.pk}/portfolio/",
        f"/certification/candidates/{certification.pk}/training/",
        f"/certification/candidates/{certification.pk}/attendance.pdf",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/certification/candidates/{certification.pk}/transition/", {"target": "withdrawn"}
    )
    assert response.status_code == 404


def test_staff_see_who_is_blocked_on_what(client, programme, cert_staff):
    in_practice_blocked_on_evaluation(cert_staff)
    f.walk_to(S.APPLICANT, cert_staff, user=UserFactory(first_name="Bo", last_name="Berg"))
    response = signed_in(client, cert_staff).get("/certification/")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "1 of 2 satisfactory evaluations; evaluation of “Social insurance fund” pending from "
        "the lead facilitator, Lena Lead." in html
    )
    assert "0 of 4 portfolio documents submitted" in html
    pipeline = response.context["pipeline"]
    counts = {code: count for code, _label, count in pipeline.counts}
    assert (counts[S.APPLICANT], counts[S.IN_PRACTICE], counts[S.CERTIFIED]) == (1, 1, 0)
    only_practice = signed_in(client, cert_staff).get("/certification/", {"state": S.IN_PRACTICE})
    assert [row.certification.facilitator.display_name for row in only_practice.context["pipeline"].rows] == [
        "Ana Silva"
    ]


def test_the_dashboard_lists_who_expires_within_90_days(client, programme, cert_staff):
    import datetime

    from facilitators.models import add_years

    soon = add_years(datetime.date.today(), -5) + datetime.timedelta(days=40)
    certification = f.walk_to(S.CERTIFIED, cert_staff, today=soon)
    f.walk_to(S.CERTIFIED, cert_staff)  # expires in five years: not listed
    pipeline = signed_in(client, cert_staff).get("/certification/").context["pipeline"]
    assert [row.certification.pk for row in pipeline.expiring] == [certification.pk]
    assert pipeline.expiring[0].state == S.EXPIRING_SOON


def test_the_csv_export_has_one_row_per_certification(client, programme, cert_staff):
    in_practice_blocked_on_evaluation(cert_staff)
    f.walk_to(S.CERTIFIED, cert_staff, user=UserFactory(first_name="=cmd", last_name="Injection"))
    response = signed_in(client, cert_staff).get("/certification/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Name", "E-mail", "Stage"]
    assert len(rows) == 3
    by_name = {row[0]: row for row in rows[1:]}
    ana = by_name["Ana Silva"]
    assert ana[1] == "ana@example.org"
    assert ana[2] == "In practice"
    assert ana[10] == "Submit to the certification committee"
    assert "pending from the lead facilitator, Lena Lead" in ana[11]
    # A cell that a spreadsheet would run as a formula is neutralised.
    assert "'=cmd Injection" in by_name
    assert by_name["'=cmd Injection"][2] == "Certified"


def test_the_dashboard_query_count_does_not_grow_with_candidates(
    client, programme, cert_staff, django_assert_max_num_queries
):
    in_practice_blocked_on_evaluation(cert_staff)
    f.walk_to(S.CERTIFIED, cert_staff)
    signed_in(client, cert_staff)
    with django_assert_max_num_queries(30) as few:
        client.get("/certification/")
    for _index in range(4):
        f.walk_to(S.IN_PRACTICE, cert_staff)
        f.walk_to(S.APPLICANT, cert_staff)
        f.walk_to(S.UNDER_REVIEW, cert_staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/certification/")
    assert len(response.context["pipeline"].rows) == 14


def test_a_candidate_sees_what_is_done_and_what_remains(client, programme, cert_staff):
    certification, _pending = in_practice_blocked_on_evaluation(cert_staff)
    response = signed_in(client, certification.facilitator.user).get("/certification/me/")
    html = response.content.decode()
    assert "What is done and what remains" in html
    assert "pending from the lead facilitator, Lena Lead" in html
    assert "Certificate of attendance (PDF)" in html
    # The candidate detail page is for staff; the candidate is sent to their own page.
    detail = client.get(f"/certification/candidates/{certification.pk}/")
    assert detail.status_code == 302 and detail["Location"] == "/certification/me/"


def test_only_the_supervisor_records_the_evaluation(client, programme, cert_staff):
    certification, pending = in_practice_blocked_on_evaluation(cert_staff)
    url = reverse("facilitators:evaluate", args=[pending.pk])
    signed_in(client, certification.facilitator.user)
    assert client.get(url).status_code == 404  # the candidate cannot evaluate themselves
    signed_in(client, cert_staff)
    assert client.get(url).status_code == 404  # nor can staff on the supervisor's behalf
    lena = pending.supervisor
    signed_in(client, lena)
    assert "Social insurance fund" in client.get("/certification/me/").content.decode()
    form = {
        f"score_{code}": "3"
        for code in ("gender_analysis", "discrimination", "advocacy", "team_facilitation", "accountability")
    }
    incomplete = client.post(url, {**form, "score_advocacy": "", "comments": "Good"})
    assert incomplete.status_code == 200
    assert not Evaluation.objects.filter(practice_record=pending).exists()
    response = client.post(url, {**form, "comments": "Steady facilitation."})
    assert response.status_code == 302
    assert Evaluation.objects.get(practice_record=pending).satisfactory


def test_staff_move_a_candidate_from_the_page(client, programme, cert_staff):
    certification = f.walk_to(S.ADMITTED, cert_staff)
    signed_in(client, cert_staff)
    client.post(f"/certification/candidates/{certification.pk}/transition/", {"target": "in_training"})
    certification.refresh_from_db()
    assert certification.state == S.IN_TRAINING
    response = client.post(
        f"/certification/candidates/{certification.pk}/transition/",
        {"target": "trained"},
        follow=True,
    )
    assert "Mark training as completed is not possible yet." in response.content.decode()
    certification.refresh_from_db()
    assert certification.state == S.IN_TRAINING


def test_a_candidate_applies_and_submits_a_portfolio_file(client, programme, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ana = UserFactory()
    signed_in(client, ana)
    assert "Become a certified facilitator" in client.get("/certification/me/").content.decode()
    client.post("/certification/me/apply/", {"applicant_type": "graduate"})
    certification = ana.facilitator_profile.certifications.get()
    upload = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 cv", content_type="application/pdf")
    response = client.post(
        f"/certification/candidates/{certification.pk}/portfolio/",
        {"requirement": "cv", "file": upload, "note": ""},
    )
    assert response.status_code == 302
    document = certification.portfolio_documents.get()
    assert document.file.name.startswith(f"portfolio/{certification.pk}/cv/")
    download = client.get(f"/certification/documents/{document.pk}/file/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 cv"
    signed_in(client, UserFactory())
    assert client.get(f"/certification/documents/{document.pk}/file/").status_code == 404


def test_the_certificate_pdf_is_for_its_holder_and_staff(client, programme, cert_staff):
    certification = f.walk_to(S.CERTIFIED, cert_staff)
    certificate = Certificate.objects.get(certification=certification)
    url = f"/certification/certificates/{certificate.code}/pdf/"
    signed_in(client, certification.facilitator.user)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    signed_in(client, UserFactory())
    assert client.get(url).status_code == 404
    signed_in(client, StaffFactory())
    assert client.get(url).status_code == 200
    attendance = client.get(f"/certification/candidates/{certification.pk}/attendance.pdf")
    assert attendance.content.startswith(b"%PDF")


def test_the_certificate_carries_its_verification_code_and_url(programme, cert_staff):
    from django.template.loader import render_to_string

    from facilitators.documents import certificate_context

    certification = f.walk_to(S.CERTIFIED, cert_staff, user=UserFactory(first_name="Ana", last_name="Silva"))
    certificate = Certificate.objects.get(certification=certification)
    url = f"https://pga.example.org/certification/verify/{certificate.display_code}/"
    html = render_to_string("facilitators/certificate_pdf.html", certificate_context(certificate, url))
    assert "Ana Silva" in html
    assert certificate.display_code in html
    assert url in html
    assert f"expires on {certificate.expires_on.isoformat()}" in html


def test_the_roster_shows_only_what_each_facilitator_publishes(client, programme, cert_staff):
    listed = UserFactory(first_name="Ana", last_name="Silva")
    hidden = UserFactory(first_name="Hidden", last_name="Person")
    for user, publish in ((listed, True), (hidden, False)):
        services.profile_update(
            actor=user,
            user=user,
            languages="Spanish, Quechua",
            regions="Andean region",
            expertise="Labour statistics",
            contact="ana@example.org",
            publish_on_roster=publish,
            publish_languages=True,
            publish_regions=False,
        )
        f.walk_to(S.CERTIFIED, cert_staff, user=user)
    html = client.get("/certification/roster/").content.decode()
    assert "Ana Silva" in html and "Hidden Person" not in html
    assert "Quechua" in html
    assert "Andean region" not in html  # regions not published
    assert "ana@example.org" not in html  # contact not published
    assert "Ana Silva" in client.get("/certification/roster/", {"language": "quechua"}).content.decode()
    # Searching an unpublished field finds nobody, so it cannot reveal it.
    assert "Ana Silva" not in client.get("/certification/roster/", {"region": "Andean"}).content.decode()


def test_profile_consent_is_edited_by_the_facilitator(client, programme):
    ana = UserFactory()
    signed_in(client, ana)
    response = client.post(
        "/certification/me/profile/",
        {"languages": "French", "regions": "", "expertise": "", "contact": "", "publish_on_roster": "on"},
    )
    assert response.status_code == 302
    ana.facilitator_profile.refresh_from_db()
    assert ana.facilitator_profile.publish_on_roster
    assert not ana.facilitator_profile.publish_languages


def test_staff_record_through_the_forms(client, programme, cert_staff):
    ana = UserFactory(username="ana", first_name="Ana", last_name="Silva")
    lena = UserFactory(username="lena")
    signed_in(client, cert_staff)
    response = client.post(
        "/certification/candidates/new/", {"person": "ana@example.org", "applicant_type": "graduate"}
    )
    certification = ana.facilitator_profile.certifications.get()
    assert response["Location"] == f"/certification/candidates/{certification.pk}/"
    again = client.post("/certification/candidates/new/", {"person": "ana", "applicant_type": "graduate"})
    assert "already has a certification in progress" in again.content.decode()

    certification = f.walk_to(S.IN_TRAINING, cert_staff)
    base = f"/certification/candidates/{certification.pk}"
    client.post(f"{base}/training/", {"component": "final_exam", "score": "91", "completed_on": "2026-05-02"})
    result = certification.training_results.get()
    assert (result.score, result.completed_on.isoformat()) == (91, "2026-05-02")
    missing = client.post(f"{base}/training/", {"component": "training_course"})
    assert "Give the hours attended (40 required)." in missing.content.decode()

    client.post(
        f"{base}/practice/",
        {
            "audit_title": "Audit run elsewhere",
            "modality_code": "selective",
            "role": "co_facilitator",
            "started_on": "2026-01-01",
            "ended_on": "2026-02-01",
            "supervisor": "lena",
        },
    )
    record = certification.facilitator.user.practice_records.get()
    assert (record.supervisor, record.source) == (lena, "manual")

    client.post(
        f"{base}/contribution/",
        {"kind": "mentoring", "title": "Mentored a trainee", "contributed_on": "2026-03-01"},
    )
    assert certification.facilitator.contributions.get().title == "Mentored a trainee"

    not_under_review = client.get(f"{base}/decision/")
    assert not_under_review.status_code == 302
    reviewed = f.walk_to(S.UNDER_REVIEW, cert_staff)
    page = client.get(f"/certification/candidates/{reviewed.pk}/decision/")
    assert "Evidence for the committee" in page.content.decode()
    early = client.post(
        f"/certification/candidates/{reviewed.pk}/decision/",
        {"decision": "more_practice", "reasons": "One more audit.", "decided_on": "2000-01-01"},
    )
    assert "the decision cannot be dated earlier" in early.content.decode()
    client.post(
        f"/certification/candidates/{reviewed.pk}/decision/",
        {"decision": "more_practice", "reasons": "One more audit.", "decided_on": str(reviewed.submitted_on)},
    )
    reviewed.refresh_from_db()
    assert reviewed.state == S.IN_PRACTICE

"""PDF documents a facilitator receives: the certificate and the certificate of attendance."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from facilitators.models import Certificate, Certification


def _pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # heavy import, needed only when a PDF is asked for

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The certificate with its verification code and the public page that checks it."""
    return _pdf("facilitators/certificate_pdf.html", certificate_context(certificate, verify_url))


def certificate_context(certificate: Certificate, verify_url: str) -> dict:
    certification = certificate.certification
    return {
        "certificate": certificate,
        "holder": certification.facilitator.display_name,
        "programme": certification.programme,
        "competences": certification.programme.competences.all(),
        "verify_url": verify_url,
    }


def attendance_pdf(certification: Certification, *, training: list[tuple]) -> bytes:
    """Every participant who attended the course gets one, whatever their results."""
    return _pdf(
        "facilitators/attendance_pdf.html",
        {
            "holder": certification.facilitator.display_name,
            "programme": certification.programme,
            "training": [
                (component, result)
                for component, result in training
                if component.hours and result is not None and (result.hours_attended or 0) > 0
            ],
            "issued_on": timezone.localdate(),
        },
    )

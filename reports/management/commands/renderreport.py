"""Render an audit's report synchronously, for operators and checks: no queue, nothing stored."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audits.models import Audit
from config.errors import DomainError
from reports.models import RenderKind
from reports.services import render_synchronously


class Command(BaseCommand):
    help = "Render AUDIT_ID's report to a PDF file (draft unless --final; nothing is stored or issued)."

    def add_arguments(self, parser):
        parser.add_argument("audit_id", type=int)
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], help="Default: the audit's."
        )
        parser.add_argument("--kind", choices=RenderKind.values, help="Default: the audit's main report.")
        parser.add_argument("--final", action="store_true", help="Without the DRAFT mark (still not issued).")
        parser.add_argument("--html", help="Also write the final HTML to this file.")

    def handle(self, *args, audit_id, out, language, kind, final, html, **options):
        audit = (
            Audit.objects.select_related("organization", "modality__methodology").filter(pk=audit_id).first()
        )
        if audit is None:
            raise CommandError(f"No audit {audit_id}.")
        started = time.perf_counter()
        try:
            result = render_synchronously(audit=audit, kind=kind, language=language, final=final)
        except DomainError as error:
            raise CommandError(error.message) from error
        Path(out).write_bytes(result.pdf)
        if html:
            Path(html).write_text(result.html, encoding="utf-8")
        self.stdout.write(
            f"{out}: {result.pages} pages, {len(result.pdf):,} bytes, sha256 {result.sha256}, "
            f"data version {result.data_version[:12]}, {time.perf_counter() - started:.2f} s "
            f"(content {result.seconds_content:.2f} s, WeasyPrint {result.seconds_pdf:.2f} s)"
        )

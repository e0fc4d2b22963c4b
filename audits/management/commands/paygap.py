"""`manage.py paygap FILE [--json] [--min-group N]`: the pay-gap indicators of a staff file."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audits.analysis.paygap import StaffFileError, pay_gap_indicators, read_staff_file
from audits.disclosure import DEFAULT_MIN_GROUP_SIZE, footnote, validate_min_group_size

NOT_SHOWN = "–"


def _pct(value: float | None) -> str:
    return NOT_SHOWN if value is None else f"{value:.2f} %"


def _count(value: int | None, k: int) -> str:
    return f"<{k}" if value is None else str(value)


class Command(BaseCommand):
    help = "Compute the EU Pay Transparency Directive indicators of a staff file (CSV or XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="staff file, one row per worker")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--min-group",
            type=int,
            default=DEFAULT_MIN_GROUP_SIZE,
            help=f"minimum group size for disclosure (default {DEFAULT_MIN_GROUP_SIZE}, at least 3)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            k = validate_min_group_size(options["min_group"])
        except ValueError as exc:
            raise CommandError(f"--min-group: {exc}") from exc
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            staff = read_staff_file(path, path.name)
        except StaffFileError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(f"{path}: rejected, {len(exc.problems)} problem(s); nothing computed") from exc
        indicators = pay_gap_indicators(staff, min_group=k)
        if options["json"]:
            self.stdout.write(json.dumps(indicators, ensure_ascii=False))
        else:
            self.stdout.write(self._table(indicators, k))

    def _table(self, result: dict[str, Any], k: int) -> str:
        """The indicators as plain text for a terminal."""
        workers = result["workers"]
        share = result["variable_pay_share_pct"]
        lines = [
            "Workers: {} women, {} men, {} other".format(
                *(_count(workers[g], k) for g in ("female", "male", "other"))
            ),
            "",
            "Gender pay gap (% of men's pay; positive: women earn less)",
            f"  mean hourly pay          {_pct(result['mean_gap_pct']):>10}",
            f"  median hourly pay        {_pct(result['median_gap_pct']):>10}",
            f"  mean variable pay        {_pct(result['variable_mean_gap_pct']):>10}",
            f"  median variable pay      {_pct(result['variable_median_gap_pct']):>10}",
            "",
            "Receiving variable pay",
            f"  women                    {_pct(share['female']):>10}",
            f"  men                      {_pct(share['male']):>10}",
            "",
            "Quartile pay bands (1 = lowest paid)   women       men",
        ]
        for band in result["quartiles"]:
            lines.append(
                f"  band {band['band']}{'':28}{_pct(band['female_pct']):>10}{_pct(band['male_pct']):>10}"
            )
        width = max([len("category"), *(len(str(c["category"])) for c in result["categories"])])
        lines += [
            "",
            f"{'category':<{width}}  {'women':>6}  {'men':>6}  {'base gap':>10}  {'variable':>10}  "
            f"{'total gap':>10}  joint assessment",
        ]
        for row in result["categories"]:
            trigger = "yes" if row["joint_assessment_trigger"] else "no"
            if row["suppressed"]:
                trigger = f"hidden (fewer than {k} women or men)"
            lines.append(
                f"{row['category']:<{width}}  {_count(row['female'], k):>6}  {_count(row['male'], k):>6}  "
                f"{_pct(row['base_gap_pct']):>10}  {_pct(row['variable_gap_pct']):>10}  "
                f"{_pct(row['total_gap_pct']):>10}  {trigger}"
            )
        lines += ["", footnote(k), f"{NOT_SHOWN}: not available, or hidden by the same rule."]
        return "\n".join(lines)

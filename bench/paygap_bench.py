"""Time reading, validating and analysing a 100,000-worker staff file (the budget is 2 s in all).

Run: .venv/bin/python bench/paygap_bench.py [WORKERS]
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from audits.analysis.paygap import pay_gap_indicators, read_staff_file

BUDGET_SECONDS = 2.0


def staff_csv(path: Path, workers: int, seed: int = 2026) -> None:
    """A plausible staff file: 12 categories, a few "other" workers, some variable pay, a 6 % gap."""
    rng = np.random.default_rng(seed)
    category = rng.integers(1, 13, workers)
    gender = rng.choice(["F", "male", "Woman", "m", "x", ""], workers, p=[0.3, 0.3, 0.18, 0.2, 0.01, 0.01])
    hours = rng.choice([800.0, 1200.0, 1600.0, 1720.0], workers)
    women = np.isin(gender, ["F", "Woman"])
    base = np.round(hours * (12 + 2.5 * category) * rng.lognormal(0, 0.2, workers) * (1 - 0.06 * women), 2)
    variable = np.where(rng.random(workers) < 0.4, np.round(rng.gamma(2, 800, workers), 2), 0)
    pd.DataFrame(
        {
            "employee_id": [f"E{i:06d}" for i in range(workers)],
            "gender": gender,
            "category": [f"grade {c:02d}" for c in category],
            "annual_hours": hours,
            "base_pay": base,
            "variable_pay": variable,
            "unit": rng.choice(["finance", "operations", "research", "support"], workers),
        }
    ).to_csv(path, index=False)


def main() -> None:
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "staff.csv"
        staff_csv(path, workers)
        size_mb = path.stat().st_size / 1e6
        started = time.perf_counter()
        staff = read_staff_file(path, path.name)
        read_seconds = time.perf_counter() - started
        started = time.perf_counter()
        indicators = pay_gap_indicators(staff)
        compute_seconds = time.perf_counter() - started
    total = read_seconds + compute_seconds
    print(f"staff file: {workers:,} workers, {size_mb:.1f} MB CSV")
    print(f"read + validate: {read_seconds:.3f} s")
    print(f"indicators:      {compute_seconds:.3f} s")
    print(f"total:           {total:.3f} s (budget {BUDGET_SECONDS:.1f} s)")
    print(f"mean gap {indicators['mean_gap_pct']} %, median gap {indicators['median_gap_pct']} %")
    sys.exit(0 if total < BUDGET_SECONDS else 1)


if __name__ == "__main__":
    main()

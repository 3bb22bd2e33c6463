"""Reports never import z3, lark or click: Result objects in, text out."""

from __future__ import annotations

import subprocess
import sys

REPORT_MODULES = [
    "ringlitmus.reports",
    "ringlitmus.reports.text",
    "ringlitmus.reports.json_report",
    "ringlitmus.reports.herd",
    "ringlitmus.reports.junit",
    "ringlitmus.reports.diff",
    "ringlitmus.reports.diff_report",
    "ringlitmus.reports.progress",
    "ringlitmus.reports.explain_text",
    "ringlitmus.reports.ablate_text",
    "ringlitmus.reports.analysis_json",
    "ringlitmus.reports.dot",
]


def test_reports_import_neither_z3_lark_nor_click() -> None:
    program = "; ".join(
        [
            *(f"import {module}" for module in REPORT_MODULES),
            "import sys",
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'z3', 'lark', 'click'}))",
        ]
    )
    completed = subprocess.run(
        [sys.executable, "-P", "-c", program], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"

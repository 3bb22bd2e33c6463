"""The `--json` document (reports/json_report.py): its keys are a contract."""

from __future__ import annotations

import json

from syrupy.assertion import SnapshotAssertion

from ringlitmus.errors import LitmusSyntaxError, Span, UsageError
from ringlitmus.reports import FileReport
from ringlitmus.reports.json_report import build_document, render_json

TOP_KEYS = {"ringlitmus", "model", "results"}
RESULT_KEYS = {"file", "test", "format", "error", "variants"}
ERROR_KEYS = {"message", "file", "line", "column", "included_from"}
VARIANT_KEYS = {
    "variant",
    "model",
    "time_s",
    "outcomes",
    "states",
    "states_complete",
    "no_execution",
    "flags",
    "unknown_flags",
}
OUTCOME_KEYS = {"name", "kind", "status", "expected", "ok", "witness", "execution", "reason"}
HERD_KEYS = {"verdict", "observation", "validation"}


def test_keys_are_exactly_the_contract(
    seed_report: FileReport, mixed_report: FileReport, mp_report: FileReport
) -> None:
    bad = FileReport("bad.litmus", error=LitmusSyntaxError("oops", Span("bad.litmus", 2, 3)))
    document = build_document([seed_report, mixed_report, mp_report, bad], "9.9", "armv8")
    assert set(document) == TOP_KEYS
    for result in document["results"]:
        assert set(result) == RESULT_KEYS
        for variant in result["variants"]:
            herd = {"herd"} if result["format"] == "aarch64" else set()
            assert set(variant) == VARIANT_KEYS | herd
            for outcome in variant["outcomes"]:
                assert set(outcome) == OUTCOME_KEYS
    assert set(document["results"][-1]["error"]) == ERROR_KEYS


def test_seed_document(seed_report: FileReport, snapshot: SnapshotAssertion) -> None:
    text = render_json([seed_report], "0.1.0", "armv8")
    assert text == snapshot
    document = json.loads(text)
    assert document["ringlitmus"] == "0.1.0"
    assert document["model"] == "armv8"
    [result] = document["results"]
    assert (result["test"], result["format"], result["error"]) == (
        "kvm-dirty-ring-seed",
        "ring",
        None,
    )
    before, after = result["variants"]
    assert before["variant"] == "before" and before["time_s"] == 0.25
    [lost] = before["outcomes"]
    assert lost["kind"] == "forbidden"
    assert (lost["status"], lost["expected"], lost["ok"]) == ("reachable", "reachable", True)
    assert lost["witness"]["CPU1.slot"] == 0
    assert lost["execution"]["rf"][0].endswith("CPU1:R gfn2.flags=2")
    [proved] = after["outcomes"]
    assert (proved["status"], proved["witness"], proved["execution"]) == ("unreachable", None, None)
    assert before["states"] is None


def test_unknown_carries_its_reason_and_null_ok(mixed_report: FileReport) -> None:
    document = build_document([mixed_report], "0.1.0", "armv8")
    unknown = document["results"][0]["variants"][1]["outcomes"][0]
    assert (unknown["status"], unknown["ok"], unknown["reason"]) == (
        "unknown",
        None,
        "solver gave up (timeout)",
    )
    assert document["results"][0]["variants"][0]["states"] == [
        {"CPU1.slot": 0, "x": 1},
        {"CPU1.slot": 1, "x": 1},
    ]


def test_states_say_whether_they_are_complete(
    seed_report: FileReport, mixed_report: FileReport
) -> None:
    [seed, mixed] = build_document([seed_report, mixed_report], "0.1.0", "armv8")["results"]
    assert [variant["states_complete"] for variant in seed["variants"]] == [None, None]
    # The `after` variant's enumeration stopped early: its one state may not be all of them.
    assert [variant["states_complete"] for variant in mixed["variants"]] == [True, False]


def test_aarch64_variants_carry_herds_answers(mp_report: FileReport) -> None:
    variant = build_document([mp_report], "0.1.0", "armv8")["results"][0]["variants"][0]
    assert variant["herd"] == {"verdict": "Allowed", "observation": "Sometimes", "validation": "Ok"}
    assert len(variant["states"]) == 4


def test_error_entry_points_at_the_span() -> None:
    error = LitmusSyntaxError("unexpected ';'", Span("prelude.litmus", 6, 13))
    [result] = build_document([FileReport("main.litmus", error=error)], "0.1.0", "armv8")["results"]
    assert result == {
        "file": "main.litmus",
        "test": None,
        "format": None,
        "error": {
            "message": "unexpected ';'",
            "file": "prelude.litmus",
            "line": 6,
            "column": 13,
            "included_from": [],
        },
        "variants": [],
    }


def test_error_without_span_has_null_position() -> None:
    report = FileReport("gone.litmus", error=UsageError("cannot read 'gone.litmus'"))
    [result] = build_document([report], "0.1.0", "armv8")["results"]
    assert result["error"] == {
        "message": "cannot read 'gone.litmus'",
        "file": "gone.litmus",
        "line": None,
        "column": None,
        "included_from": [],
    }

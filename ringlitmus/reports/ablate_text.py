"""Ablation results for people: which orderings are necessary, which redundant, the fewest
that suffice, and for a reachable forbidden outcome which single ordering would rule it out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from ringlitmus.reports.explain_text import compact_cycle

if TYPE_CHECKING:
    from ringlitmus.ablate import Ablation, Change, SiteResult, VariantAblation

_NECESSITY_STYLES = {"necessary": "bold", "redundant": "green", "unknown": "yellow"}


def render_ablation(console: Console, ablation: Ablation) -> None:
    """Every variant's analysis, under the file's name."""
    console.print(Text(f"{ablation.test}  {ablation.file}", style="bold"), soft_wrap=True)
    for variant in ablation.variants:
        console.print()
        for line in variant_lines(variant):
            console.print(line, soft_wrap=True)
    limits = [variant.limit for variant in ablation.variants if variant.limit is not None]
    if limits and len(ablation.variants) > 1:
        # The limit is shared by the variants: the per-variant counts add up to it.
        total = sum(variant.checks for variant in ablation.variants)
        console.print()
        console.print(
            Text(
                f"{total} checks in all variants; {limits[-1]} was reached (each variant is "
                "checked once as written even past it)",
                style="yellow",
            ),
            soft_wrap=True,
        )


def variant_lines(variant: VariantAblation) -> list[Text]:
    """One variant: its orderings, the minimal sufficient sets, and repairs."""
    lines = [Text(f"variant {variant.variant}", style="bold")]
    reasons = dict(zip(variant.undecided, variant.undecided_reasons, strict=False))
    for name in variant.undecided:
        why = f": {reasons[name]}" if name in reasons else ""
        lines.append(Text(f"  {name}: not decided in the variant as written{why}"))
    if variant.targets:
        lines.extend(_ordering_lines(variant))
    elif variant.undecided and not variant.reachable:
        # Ablation compares each change with the variant as written; without that answer
        # "nothing to ablate" would claim a result the solver never reached.
        lines.append(
            Text(
                "  variant not decided, so no ordering was tested: ablation starts from the "
                "outcomes of the variant as written (a larger --timeout or --rlimit may decide "
                "them)",
                style="yellow",
            )
        )
    elif not variant.reachable:
        lines.append(Text("  no forbidden outcome to keep unreachable: nothing to ablate"))
    if variant.reachable:
        lines.extend(_repair_lines(variant.reachable, variant.repairs))
    noun = "check" if variant.checks == 1 else "checks"
    cut = f"; {_unmade(variant)}" if variant.limit is not None else ""
    lines.append(Text(f"  ({variant.checks} {noun}{cut})"))
    return lines


def _unmade(variant: VariantAblation) -> str:
    """How many checks the limit left unmade (each is shown as unknown)."""
    changes = [c for r in variant.sites for c in (r.removal, *r.weakenings)] + list(variant.repairs)
    unmade = sum(1 for change in changes if not change.checked)
    what = f"{unmade} not made" if unmade else "search stopped"
    return f"{what}: {variant.limit} was reached"


def _ordering_lines(variant: VariantAblation) -> list[Text]:
    targets = ", ".join(variant.targets)
    count = len(variant.sites)
    lines = [
        Text(
            f"  {targets} unreachable as written; {count} ordering{'s' if count != 1 else ''} "
            "removed one at a time:"
        )
    ]
    if not variant.sites:
        lines.append(Text("    (no acquire, release, fence or marked dependency to remove)"))
    for result in variant.sites:
        lines.extend(_site_lines(result))
    for index, kept in enumerate(variant.minimal_sets):
        if index == 0:
            size = f"{len(kept)} of {count}"
            heading = "minimal sufficient set" if variant.search_complete else "sufficient set"
            lines.append(Text(f"  {heading} ({size}):"))
        else:
            lines.append(Text("  or:"))
        if not kept:
            lines.append(
                Text("    none: the outcome stays unreachable with every ordering removed")
            )
        lines.extend(Text(f"    {site}") for site in kept)
    if variant.search_note is not None:
        lines.append(Text(f"  note: {variant.search_note}", style="yellow"))
    return lines


def _site_lines(result: SiteResult) -> list[Text]:
    necessity = result.necessity.value
    line = Text("    ")
    line.append(f"{necessity:<9}", style=_NECESSITY_STYLES[necessity])
    line.append(f" {result.site}")
    lines = [line]
    removal = result.removal
    if necessity == "necessary":
        reached = ", ".join(removal.reached)
        detail = f"-> {removal.change}: {reached} becomes reachable"
        for weaker in result.weakenings:
            detail += f"; -> {weaker.change}: {_holds_words(weaker)}"
        lines.append(Text(f"              {detail}"))
    elif necessity == "unknown":
        lines.append(Text(f"              -> {removal.change}: {_unknown_words(removal)}"))
    else:
        lines.append(Text(f"              -> {removal.change}: still unreachable on this model"))
        explanation = result.still_forbidden
        if explanation is not None and explanation.execution is not None and explanation.cycle:
            cycle = compact_cycle(explanation.execution, explanation.cycle)
            lines.append(Text(f"              still forbidden by {explanation.axiom}: {cycle}"))
    return lines


def _unknown_words(change: Change) -> str:
    if not change.checked:
        return "not checked (limit reached)"
    return "the solver could not decide"


def _holds_words(change: Change) -> str:
    if change.holds is None:
        return f"unknown, {_unknown_words(change)}"
    if change.holds:
        return "enough"
    return f"not enough ({', '.join(change.reached)} reachable)"


def _repair_lines(reachable: Sequence[str], repairs: Sequence[Change]) -> list[Text]:
    """Per reachable outcome, the single strengthenings proved to rule it out and those not
    decided for it; then the ones proved to rule none out. "Nothing rules it out" is said
    only when every strengthening was decided."""
    names = ", ".join(reachable)
    lines = [Text(f"  {names} reachable as written; each plain access strengthened alone:")]
    if not repairs:
        lines.append(Text("    (no plain load or store to strengthen)"))
        return lines
    for outcome in reachable:
        fixes = [c for c in repairs if outcome not in (*c.reached, *c.undecided)]
        unknown = [c for c in repairs if outcome in c.undecided]
        if fixes:
            lines.append(Text(f"    rules {outcome} out:"))
            lines.extend(Text(f"      ✓ {change.site} -> {change.change}") for change in fixes)
        elif not unknown:
            lines.append(Text(f"    nothing rules {outcome} out alone"))
        if unknown:
            proved = "" if fixes else "; none is proved to rule it out"
            lines.append(
                Text(f"    unknown for {outcome} ({len(unknown)} of {len(repairs)}){proved}:")
            )
            lines.extend(
                Text(f"      ? {change.site} -> {change.change}: {_unknown_words(change)}")
                for change in unknown
            )
    useless = [change for change in repairs if set(change.reached) == set(reachable)]
    if useless:
        lines.append(Text("    rules none out:"))
        lines.extend(Text(f"      ✗ {change.site} -> {change.change}") for change in useless)
    return lines

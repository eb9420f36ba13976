"""Time single share checks at N = 10, 1,000 and 10,000 agreements, against PyCasbin and Cedar; print the figures.

    python -m bench.checker                 # what ``make bench`` runs
    python -m bench.checker --sizes 10 1000 --calls 2000
    python -m bench.checker --cedar-max-policies 100000   # also time Cedar at N = 10,000 (slow)
    python -m bench.checker --profile 1000  # also print where the checker's time goes at N = 1,000

For each N: generate the registry (``bench.generator``), build the ``RegistrySnapshot`` (its
time, and its allocation peak under tracemalloc), warm up, then time each ``check_share``
call on its own with ``time.perf_counter_ns``. The same questions go, in the same run, to the
same permission set in PyCasbin (``bench.casbin_model``) and in Cedar (``bench.cedar_model``),
each where its policy is small enough to build and time in reasonable time, and the answers of
casbin and Cedar are compared question by question (they encode the same permission part, so
any disagreement is a modelling bug). Long-lived objects are frozen out of the garbage
collector after each build (``gc.freeze()``), as a server would after loading its registry,
for the checker, casbin and Cedar alike.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import platform
import pstats
import statistics
import textwrap
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from agreements.checker import check_share
from agreements.question import ShareQuestion
from agreements.snapshot import RegistrySnapshot
from bench.casbin_model import build_enforcer, estimate_policy_lines
from bench.cedar_model import HOW_CALLED, build_cedar, estimate_policies
from bench.generator import AS_OF, generate_questions, generate_registry
from schemas.vocabulary import load_vocabulary

SIZES = (10, 1000, 10000)
CALLS = 3000
WARMUP = 300
SEED = 20260601
QUESTION_SEED = 7
# Above this many policy lines casbin takes too long and too much memory to build for a bench run
# (about 6.5 us and 330 bytes a line here).
CASBIN_MAX_LINES = 2_500_000
# Cedar evaluates every policy (one per flow in force) for every request: about 3.5 us a policy per question here,
# so above this many policies the timed calls alone take several minutes. Building costs about 0.5 ms and 23 KB a
# policy (parsed from Cedar's JSON policy format).
CEDAR_MAX_POLICIES = 20_000
CEDAR_US_PER_POLICY = 3.5
CEDAR_BUILD_MS_PER_POLICY = 0.5
CEDAR_KB_PER_POLICY = 23
# Cedar's work is in Rust and its per-call cost is flat after the first few calls: a short warm-up is enough.
CEDAR_WARMUP = 30
# Disagreements between casbin and Cedar shown in full (all are counted).
DISAGREEMENTS_SHOWN = 3
# A plain casbin.Enforcer scans every policy line on each call: time only a few calls.
PLAIN_ENFORCER_CALLS = {10: 100, 1000: 5}

# The targets from the issue: p50 in microseconds by N, and the speed-up over casbin at N = 1,000.
P50_TARGET_US = {10: 50.0, 1000: 200.0, 10000: 1000.0}
SPEEDUP_TARGET = 4.0
SPEEDUP_AT = 1000


@dataclass
class Timing:
    """Per-call times in nanoseconds."""

    samples: list[int]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) / 1000

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.samples, n=100, method="inclusive")[98] / 1000

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples) / 1000


@dataclass
class Row:
    """Everything measured at one N."""

    n: int
    areas: int
    organisations: int
    revisions: int
    flows: int
    per_discloser: float
    generate_s: float
    rss_mb: float
    snapshot_ms: float
    snapshot_peak_mb: float
    checker: Timing
    decisions: Counter[str]
    p50_by_decision: dict[str, float] = field(default_factory=dict)
    casbin_lines: int | None = None
    casbin_build_s: float | None = None
    casbin_rss_mb: float | None = None
    casbin: Timing | None = None
    casbin_allowed: float | None = None
    casbin_note: str | None = None
    plain: Timing | None = None
    cedar_policies: int | None = None
    cedar_entities: int | None = None
    cedar_build_s: float | None = None
    cedar_rss_mb: float | None = None
    cedar: Timing | None = None
    cedar_allowed: float | None = None
    cedar_note: str | None = None
    # Cedar against casbin on the permission part: questions compared, and the ones they answer differently.
    compared: int = 0
    disagreements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _rss_mb() -> float:
    """The process's resident set size now (Linux), in MB."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096 / 1e6
    except OSError:  # not Linux: no figure
        return float("nan")


def _time_each(call: Callable[[ShareQuestion], object], questions: Sequence[ShareQuestion]) -> Timing:
    return _time_and_answer(call, questions)[0]


def _time_and_answer(
    call: Callable[[ShareQuestion], object], questions: Sequence[ShareQuestion]
) -> tuple[Timing, list[object]]:
    """Time each call on its own, and keep its answer (kept outside the timed interval)."""
    clock = time.perf_counter_ns
    samples: list[int] = []
    answers: list[object] = []
    append = samples.append
    keep = answers.append
    for question in questions:
        started = clock()
        answer = call(question)
        append(clock() - started)
        keep(answer)
    return Timing(samples), answers


def _describe(question: ShareQuestion) -> str:
    """A question's permission part in one line, for a disagreement report."""
    recipient = question.recipient or f"type:{question.recipient_type}"
    return (
        f"{question.discloser} -> {recipient}, purpose {question.purpose}, "
        f"categories {', '.join(question.data_categories)}"
    )


def _questions(pool: list[ShareQuestion], count: int) -> list[ShareQuestion]:
    return (pool * (count // len(pool) + 1))[:count]


def measure(
    n: int, calls: int, *, casbin_max_lines: int, cedar_max_policies: int = CEDAR_MAX_POLICIES, profile: bool = False
) -> Row:
    """Build a registry of ``n`` agreements and time the checker, casbin and Cedar on it."""
    vocabulary = load_vocabulary()
    rss_before = _rss_mb()
    started = time.perf_counter()
    registry = generate_registry(n, seed=SEED, vocabulary=vocabulary)
    generate_s = time.perf_counter() - started
    rss_mb = _rss_mb() - rss_before

    gc.collect()
    started = time.perf_counter()
    snapshot = RegistrySnapshot(vocabulary, registry.organisations, registry.revisions)
    # A server compiles each revision's flow index once per snapshot; do it here so the timed calls are steady state.
    snapshot.compile_all()
    snapshot_ms = (time.perf_counter() - started) * 1000
    tracemalloc.start()
    RegistrySnapshot(vocabulary, registry.organisations, registry.revisions).compile_all()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    pool = generate_questions(registry, min(calls, 3000), seed=QUESTION_SEED)
    questions = _questions(pool, calls)
    latest = registry.latest()
    row = Row(
        n=n,
        areas=len(registry.areas),
        organisations=len(registry.organisations),
        revisions=len(registry.revisions),
        flows=sum(len(a.flows) for a in latest.values()),
        per_discloser=statistics.fmean(len(snapshot.agreements_with_party(q.discloser)) for q in questions),
        generate_s=generate_s,
        rss_mb=rss_mb,
        snapshot_ms=snapshot_ms,
        snapshot_peak_mb=peak / 1e6,
        checker=Timing([]),
        decisions=Counter(),
    )
    gc.collect()
    gc.freeze()

    def check(question: ShareQuestion) -> object:
        return check_share(question, snapshot)

    for question in questions[:WARMUP]:
        check(question)
    row.checker = _time_each(check, questions)
    decided = [check_share(q, snapshot).decision.value for q in pool]
    row.decisions = Counter(decided)
    by_decision: dict[str, list[int]] = {}
    for index, sample in enumerate(row.checker.samples):
        by_decision.setdefault(decided[index % len(pool)], []).append(sample)
    row.p50_by_decision = {d: statistics.median(v) / 1000 for d, v in by_decision.items()}
    if profile:
        _profile(check, questions[: min(len(questions), 1500)], n)

    casbin_answers: list[object] | None = None
    estimate = estimate_policy_lines(snapshot, AS_OF)
    if estimate > casbin_max_lines:
        row.casbin_note = (
            f"casbin skipped at N={n:,}: about {estimate / 1e6:.1f}M policy lines "
            f"(~{estimate * 6.5e-6:.0f} s and ~{estimate * 330 / 1e9:.1f} GB to build); limit {casbin_max_lines:,}"
        )
    else:
        rss_before = _rss_mb()
        started = time.perf_counter()
        baseline = build_enforcer(snapshot, AS_OF)
        row.casbin_build_s = time.perf_counter() - started
        row.casbin_rss_mb = _rss_mb() - rss_before
        row.casbin_lines = baseline.policy_lines
        gc.collect()
        gc.freeze()
        for question in questions[:WARMUP]:
            baseline.allows(question)
        row.casbin, answers = _time_and_answer(baseline.allows, questions)
        # ``questions`` is ``pool`` repeated: the first answers are the pool's.
        casbin_answers = answers[: len(pool)]
        row.casbin_allowed = statistics.fmean(bool(a) for a in casbin_answers)
        del baseline
        if n in PLAIN_ENFORCER_CALLS:
            plain = build_enforcer(snapshot, AS_OF, fast=False)
            row.plain = _time_each(plain.allows, questions[: PLAIN_ENFORCER_CALLS[n]])
            del plain
    gc.unfreeze()
    _measure_cedar(row, snapshot, pool, questions, casbin_answers, cedar_max_policies)
    return row


def _measure_cedar(
    row: Row,
    snapshot: RegistrySnapshot,
    pool: list[ShareQuestion],
    questions: list[ShareQuestion],
    casbin_answers: list[object] | None,
    max_policies: int,
) -> None:
    """Build the permission set in Cedar, time it on the same questions, and compare its answers with casbin's."""
    estimate = estimate_policies(snapshot, AS_OF)
    if estimate > max_policies:
        per_question_ms = estimate * CEDAR_US_PER_POLICY / 1000
        build_s = estimate * CEDAR_BUILD_MS_PER_POLICY / 1000
        row.cedar_note = (
            f"Cedar skipped at N={row.n:,}: about {estimate:,} policies (~{build_s:.0f} s "
            f"and ~{estimate * CEDAR_KB_PER_POLICY / 1e6:.1f} GB to build; Cedar evaluates every policy for every "
            f"request, so ~{per_question_ms:,.0f} ms a question, ~{per_question_ms * len(questions) / 60_000:.1f} min "
            f"for the {len(questions):,} timed calls); limit {max_policies:,} (--cedar-max-policies)"
        )
        return
    rss_before = _rss_mb()
    started = time.perf_counter()
    cedar = build_cedar(snapshot, AS_OF)
    row.cedar_build_s = time.perf_counter() - started
    row.cedar_rss_mb = _rss_mb() - rss_before
    row.cedar_policies = cedar.policy_count
    row.cedar_entities = cedar.entity_count
    gc.collect()
    gc.freeze()
    for question in questions[:CEDAR_WARMUP]:
        cedar.allows(question)
    row.cedar, answers = _time_and_answer(cedar.allows, questions)
    cedar_answers = answers[: len(pool)]
    row.cedar_allowed = statistics.fmean(bool(a) for a in cedar_answers)
    if casbin_answers is not None:
        row.compared = len(pool)
        row.disagreements = [
            f"{_describe(q)}: casbin {'allows' if c else 'denies'}, Cedar {'allows' if d else 'denies'}"
            for q, c, d in zip(pool, casbin_answers, cedar_answers, strict=True)
            if bool(c) != bool(d)
        ]
    del cedar
    gc.unfreeze()


def _profile(check: Callable[[ShareQuestion], object], questions: Sequence[ShareQuestion], n: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for question in questions:
        check(question)
    profiler.disable()
    print(f"\n--- cProfile of {len(questions):,} checks at N={n:,} (top 15 by own time) ---")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


def _fmt(value: float | None, spec: str = ",.0f") -> str:
    return "-" if value is None else format(value, spec)


def _ratio(baseline: Timing | None, checker: Timing) -> str:
    return "-" if baseline is None else f"{baseline.p50 / checker.p50:,.1f}x"


def _report_baselines(rows: list[Row]) -> None:
    """Checker against casbin and Cedar: p50 and ratios per N, Cedar's build, and where casbin and Cedar disagree."""
    print("\nChecker against the baselines: same questions, same run; microseconds; ratio = baseline p50 / checker p50")
    print(
        f"{'N':>6} | {'checker p50':>11} | {'casbin p50':>10} {'ratio':>7} | {'Cedar p50':>10} {'p99':>8} {'mean':>8} "
        f"{'ratio':>7} | {'policies':>8} {'build s':>7} {'MB':>5} | {'casbin/Cedar allow':>18} {'disagree':>10}"
    )
    for r in rows:
        allows = f"{_fmt(r.casbin_allowed, '.0%')}/{_fmt(r.cedar_allowed, '.0%')}"
        disagree = f"{len(r.disagreements)}/{r.compared:,}" if r.compared else "-"
        print(
            f"{r.n:>6,} | {r.checker.p50:>11,.1f} | {_fmt(r.casbin.p50 if r.casbin else None, ',.1f'):>10} "
            f"{_ratio(r.casbin, r.checker):>7} | {_fmt(r.cedar.p50 if r.cedar else None, ',.1f'):>10} "
            f"{_fmt(r.cedar.p99 if r.cedar else None):>8} {_fmt(r.cedar.mean if r.cedar else None):>8} "
            f"{_ratio(r.cedar, r.checker):>7} | {_fmt(r.cedar_policies):>8} {_fmt(r.cedar_build_s, '.1f'):>7} "
            f"{_fmt(r.cedar_rss_mb):>5} | {allows:>18} {disagree:>10}"
        )
    for r in rows:
        if r.cedar is None:
            continue
        built = f"  Cedar at N={r.n:,}: {r.cedar_policies:,} policies, {r.cedar_entities:,} entities; "
        if not r.compared:
            print(built + "not compared with casbin (casbin not built).")
            continue
        print(
            built + f"on the permission part, casbin and Cedar answer {len(r.disagreements)} of {r.compared:,} "
            "distinct questions differently" + (" (a modelling bug in one of them):" if r.disagreements else ".")
        )
        for line in r.disagreements[:DISAGREEMENTS_SHOWN]:
            print(f"    {line}")


def report(rows: list[Row], calls: int) -> bool:
    """Print the tables; True when every target is met."""
    print(
        f"\nISA share checker benchmark: Python {platform.python_version()}, questions as of {AS_OF.isoformat()}, "
        f"seed {SEED}; {calls:,} timed single calls per N after {WARMUP} warm-up calls; gc frozen after each build."
    )
    print("\nRegistry and build")
    print(
        f"{'N':>6} {'areas':>6} {'orgs':>6} {'revs':>6} {'flows':>7} {'agr/discl':>9} "
        f"{'gen s':>6} {'RSS MB':>7} {'snapshot ms':>11} {'snap peak MB':>12} "
        f"{'casbin lines':>12} {'casbin s':>8} {'casbin MB':>9}"
    )
    for r in rows:
        print(
            f"{r.n:>6,} {r.areas:>6,} {r.organisations:>6,} {r.revisions:>6,} {r.flows:>7,} {r.per_discloser:>9.1f} "
            f"{r.generate_s:>6.1f} {r.rss_mb:>7.0f} {r.snapshot_ms:>11.1f} {r.snapshot_peak_mb:>12.2f} "
            f"{_fmt(r.casbin_lines):>12} {_fmt(r.casbin_build_s, '.1f'):>8} {_fmt(r.casbin_rss_mb):>9}"
        )
    print("\nSingle-check latency, microseconds (casbin: one enforce per category, all must allow)")
    print(
        f"{'N':>6} | {'checker p50':>11} {'p99':>7} {'mean':>7} | {'casbin p50':>10} {'p99':>7} {'mean':>7} | "
        f"{'speed-up':>8} | {'covered':>7} {'not_cov':>7} {'escalate':>8} {'casbin allows':>13}"
    )
    for r in rows:
        total = sum(r.decisions.values()) or 1
        speedup = r.casbin.p50 / r.checker.p50 if r.casbin else None
        print(
            f"{r.n:>6,} | {r.checker.p50:>11,.1f} {r.checker.p99:>7,.0f} {r.checker.mean:>7,.0f} | "
            f"{_fmt(r.casbin.p50 if r.casbin else None, ',.1f'):>10} "
            f"{_fmt(r.casbin.p99 if r.casbin else None):>7} {_fmt(r.casbin.mean if r.casbin else None):>7} | "
            f"{_fmt(speedup, '.2f') + ('x' if speedup else ''):>8} | "
            f"{r.decisions['covered'] / total:>7.0%} {r.decisions['not_covered'] / total:>7.0%} "
            f"{r.decisions['escalate'] / total:>8.0%} {_fmt(r.casbin_allowed, '.0%'):>13}"
        )
    _report_baselines(rows)
    notes: list[str] = []
    for r in rows:
        split = ", ".join(f"{d.replace('_', ' ')} {v:,.0f}" for d, v in sorted(r.p50_by_decision.items()))
        notes.append(f"checker p50 by decision at N={r.n:,}: {split} us.")
    for r in rows:
        if r.casbin_note:
            notes.append(r.casbin_note + ".")
        if r.cedar_note:
            notes.append(r.cedar_note + ".")
        if r.plain is not None:
            notes.append(
                f"A plain casbin.Enforcer (no index: each call scans all {r.casbin_lines:,} lines) at N={r.n:,}: "
                f"p50 {r.plain.p50 / 1000:,.1f} ms over {len(r.plain.samples)} calls "
                f"(the checker is {r.plain.p50 / r.checker.p50:,.0f}x faster); FastEnforcer is casbin's best."
            )
    notes.append(
        "casbin answers only the permission part (agreement in force, signed parties, flow direction, purpose, "
        "data subject, category); the checker also picks the agreement and flow, applies Art 6/9/10, Sch 1, APDs, "
        "consent, restrictions, emergencies and routes outside agreements, and explains itself: the comparison "
        "flatters casbin."
    )
    notes.append(
        f"Cedar (cedarpy) answers the same permission part as casbin, one permit policy per flow in force; "
        f"called as {HOW_CALLED}."
    )
    notes.append(
        "RSS MB: growth of the process while generating the registry's objects; snapshot ms: building and compiling "
        "RegistrySnapshot from them; snap peak MB: tracemalloc peak of that build (its indexes)."
    )
    for note in notes:
        print(textwrap.fill(note, width=118, initial_indent="  - ", subsequent_indent="    "))
    print("\nTargets")
    met = True
    by_n = {r.n: r for r in rows}
    for n, target in P50_TARGET_US.items():
        if n not in by_n:
            continue
        value = by_n[n].checker.p50
        ok = value <= target
        met &= ok
        print(f"  checker p50 <= {target:>6,.0f} us at N={n:<6,}  {value:>9,.1f} us   {'PASS' if ok else 'MISS'}")
    if SPEEDUP_AT in by_n and by_n[SPEEDUP_AT].casbin is not None:
        r = by_n[SPEEDUP_AT]
        assert r.casbin is not None
        speedup = r.casbin.p50 / r.checker.p50
        ok = speedup >= SPEEDUP_TARGET
        met &= ok
        print(
            f"  checker >= {SPEEDUP_TARGET:.0f}x faster than casbin FastEnforcer at N={SPEEDUP_AT:,} (p50)  "
            f"{speedup:>6.2f}x      {'PASS' if ok else 'MISS'}"
        )
        if r.plain is not None:
            plain = r.plain.p50 / r.checker.p50
            print(
                f"  (against a plain casbin.Enforcer at N={SPEEDUP_AT:,}: {plain:,.0f}x, "
                f"{'PASS' if plain >= SPEEDUP_TARGET else 'MISS'}; not the judged figure: it scans every line)"
            )
    return met


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.checker", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="agreement counts (N)")
    parser.add_argument("--calls", type=int, default=CALLS, help="timed calls per N (at least 2,000 for the targets)")
    parser.add_argument("--casbin-max-lines", type=int, default=CASBIN_MAX_LINES, help="skip casbin above this")
    parser.add_argument(
        "--cedar-max-policies", type=int, default=CEDAR_MAX_POLICIES, help="skip Cedar above this many policies"
    )
    parser.add_argument("--profile", type=int, metavar="N", help="print a cProfile of the checker at this N")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = []
    for n in args.sizes:
        rows.append(
            measure(
                n,
                args.calls,
                casbin_max_lines=args.casbin_max_lines,
                cedar_max_policies=args.cedar_max_policies,
                profile=args.profile == n,
            )
        )
        print(f"  measured N={n:,} ({time.perf_counter() - started:.0f} s so far)", flush=True)
    report(rows, args.calls)
    print(f"\nTotal run time {time.perf_counter() - started:.0f} s.")
    # The figures are the product; a missed target is reported above, not as a failed run.
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Evaluations per second: cdk_iam_roles.analysis.evaluate vs iam-simulate's runSimulation.

Both run the same seeded corpus as the differential test (the cases runSimulation accepts),
in one run. The oracle is timed inside its own Node process after one untimed warm-up
pass, so the JSON pipe is not counted against it. Both sides count the CPU time of their
own process, so other load on the machine does not skew the ratio.

Our evaluator is timed three ways: a first pass over the corpus with empty caches; "new
PolicySet", a new `Request` and `PolicySet` built from the JSON for every evaluation (as
runSimulation loads its policies on every call; our parse cache is keyed by content, so a
repeated document is parsed once); "reused PolicySet" (parse once, ask many questions:
the intended use).

Usage: .venv/bin/python benchmarks/bench_evaluator.py [--seconds 3] [--rounds 3] [--scale 1]
Target: at least 12x runSimulation's throughput. Numbers vary with the machine's load
(measured on 2 busy cores: new PolicySet 10-13x, reused PolicySet 14-18x).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "analysis"), str(ROOT / "tests" / "oracle")]

from evaluator_corpus import build_corpus, to_python  # noqa: E402
from oracle_client import Oracle, available  # noqa: E402

from cdk_iam_roles.analysis import PolicySet, Request, evaluate  # noqa: E402


def _time(seconds: float, run_once: Callable[[], int]) -> tuple[int, float]:
    # CPU time of this process, like the oracle's: other load on the machine does not count.
    run_once()
    count = 0
    start = time.process_time()
    while True:
        count += run_once()
        used = time.process_time() - start
        if used >= seconds:
            return count, used


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def main() -> int:
    """Run the benchmark and print the throughputs and their ratio."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (median)")
    parser.add_argument("--scale", type=float, default=1.0, help="corpus size factor")
    options = parser.parse_args()
    missing = available()
    if missing is not None:
        print(f"cannot run the oracle: {missing}", file=sys.stderr)
        return 2

    corpus = build_corpus(scale=options.scale)
    raw = [(case["request"], case["policies"]) for case in corpus]

    # First pass: empty caches, every distinct policy parsed for the first time.
    start = time.process_time()
    for request, policies in raw:
        evaluate(Request(**request), PolicySet(**policies))
    first_rate = len(raw) / (time.process_time() - start)

    oracle = Oracle()
    try:
        answers = oracle.decide_many(corpus, "simulate")
        keep = [a["result"] != "Error" for a in answers]
        cases = [case for case, ok in zip(corpus, keep, strict=True) if ok]
        accepted = [pair for pair, ok in zip(raw, keep, strict=True) if ok]
        prepared = [to_python(case) for case in cases]

        def cold() -> int:
            for request, policies in accepted:
                evaluate(Request(**request), PolicySet(**policies))
            return len(accepted)

        def warm() -> int:
            for request, policies in prepared:
                evaluate(request, policies)
            return len(prepared)

        # The machine may be busy: alternate the measurements and keep the medians.
        rates: dict[str, list[float]] = {"oracle": [], "cold": [], "warm": []}
        for _round in range(options.rounds):
            evaluations, elapsed = oracle.bench(cases, options.seconds)
            rates["oracle"].append(evaluations / elapsed)
            for name, run in (("cold", cold), ("warm", warm)):
                count, seconds = _time(options.seconds, run)
                rates[name].append(count / seconds)
    finally:
        oracle.close()
    oracle_rate, cold_rate, warm_rate = (_median(rates[k]) for k in ("oracle", "cold", "warm"))

    print(f"corpus: {len(corpus)} cases, {len(cases)} accepted by runSimulation")
    print(f"median of {options.rounds} alternating rounds of {options.seconds:g} CPU-s each")
    print(f"iam-simulate runSimulation  : {oracle_rate:10,.0f} evaluations/s")
    print(f"evaluate, first pass        : {first_rate:10,.0f} evaluations/s (empty caches)")
    print(f"evaluate, new PolicySet     : {cold_rate:10,.0f} evaluations/s")
    print(f"evaluate, reused PolicySet  : {warm_rate:10,.0f} evaluations/s")
    print(f"ratio new PolicySet/oracle  : {cold_rate / oracle_rate:10.1f}x (target >= 12x)")
    print(f"ratio reused/oracle         : {warm_rate / oracle_rate:10.1f}x")
    print(f"ratio first pass/oracle     : {first_rate / oracle_rate:10.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Quality figures of docs/quality.md, measured on real data and on the checks corpus:

- wrong-paper detection on the labelled archive of a Korean newsletter (884 summaries, our labels in
  tests/data/, texts read from ../shared/data/real/archive/), and on genuine summaries put under
  another paper (of the same day, and of another day);
- soft findings per genuine summary, by rule, against the abstract;
- the checks corpus (tests/check_corpus.py): bad summaries caught by their rule, findings on good ones;
- the extractive summarizer on 160 real abstracts labelled by sentence role.

    .venv/bin/python bench/quality.py [--json]

Deterministic: the same code and data give the same figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dailypapers.checks import check_summary
from dailypapers.checks.topic import RULE as OFF_TOPIC
from tests.check_corpus import BAD, GOOD
from tests.quality_sets import (
    archive_set,
    extractive_figures,
    hard_rules,
    other_paper_pairs,
    role_set,
    soft_rates,
    wrong_paper_figures,
)


def archive_figures() -> dict[str, Any] | None:
    items = archive_set()
    if items is None:
        return None
    started = time.perf_counter()
    out: dict[str, Any] = {"labelled": wrong_paper_figures(items)}
    genuine = [i for i in items if i.label == "genuine"]
    out["genuine_checked_as_read"] = sum(OFF_TOPIC in hard_rules(i, complete=True) for i in genuine)
    pairs = other_paper_pairs(items)
    out["other_paper"] = {
        kind: {"n": len(p),
               "caught_as_pipeline": sum(OFF_TOPIC in hard_rules(s, o, complete=True) for s, o in p),
               "caught_as_import": sum(OFF_TOPIC in hard_rules(s, o, complete=False) for s, o in p)}
        for kind, p in pairs.items()}
    out["soft_per_genuine"] = {"as_read": soft_rates(items, complete=True),
                               "as_import": soft_rates(items, complete=False)}
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def corpus_figures() -> dict[str, Any]:
    caught = sum(any(f.rule == c.rule for f in check_summary(c.sections, c.paper.abstract, c.lang, c.paper.title))
                 for c in BAD)
    good = [f for c in GOOD for f in check_summary(c.sections, c.paper.abstract, c.lang, c.paper.title)]
    return {"bad": len(BAD), "bad_caught_by_their_rule": caught, "good": len(GOOD), "findings_on_good": len(good)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = role_set()
    figures = {"archive": archive_figures(), "corpus": corpus_figures(),
               "extractive": extractive_figures(rows) if rows is not None else None}
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    a = figures["archive"]
    if a is None:
        print("archive: ../shared/data/real/archive/ is absent, skipped")
    else:
        for label in ("wrong", "genuine"):
            g = a["labelled"][label]
            print(f"{label:8} n={g['n']:4}  off-topic {g['off_topic']:4} ({g['off_topic'] / g['n']:.1%})  "
                  f"any hard finding {g['hard']:4} ({g['hard'] / g['n']:.1%})  by rule {g['by_rule']}")
        n = a["labelled"]["genuine"]["n"]
        print(f"genuine, checked as if the abstract were all they read: off-topic {a['genuine_checked_as_read']} "
              f"({a['genuine_checked_as_read'] / n:.1%})")
        for kind, g in a["other_paper"].items():
            print(f"genuine summary under a paper of {kind.replace('_', ' ')}: n={g['n']}  caught as the pipeline "
                  f"checks {g['caught_as_pipeline'] / g['n']:.1%}, as an import {g['caught_as_import'] / g['n']:.1%}")
        for mode, rates in a["soft_per_genuine"].items():
            shown = ", ".join(f"{k} {v:.2f}" for k, v in rates.items())
            print(f"soft findings per genuine summary ({mode.replace('_', ' ')}): {shown}; names + terms "
                  f"{rates.get('names', 0) + rates.get('terms', 0):.2f}")
        print(f"({a['seconds']} s)")
    c = figures["corpus"]
    print(f"checks corpus: {c['bad_caught_by_their_rule']}/{c['bad']} bad caught by their rule, "
          f"{c['findings_on_good']} findings on {c['good']} good")
    e = figures["extractive"]
    if e is None:
        print("extractive: ../shared/data/real/ is absent, skipped")
    else:
        print(f"extractive on {e['papers']} labelled abstracts: Performance Highlights holding a result "
              f"{e['ph_result_share']:.1%} ({e['ph']} present; "
              f"{e['ph_result_sentence_share']:.1%} of its sentences are "
              f"results), Technical Details holding a background sentence {e['td_background_share']:.1%} "
              f"({e['td_method_sentence_share']:.1%} of its sentences are method), What's New holding the idea "
              f"{e['wn_idea_share']:.1%}")


if __name__ == "__main__":
    main()

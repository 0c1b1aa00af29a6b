"""Routing on real writing: the starter a new office gets beside models trained on an office's records.

    python -m bench.bench_routing [--size 3000] [--json OUT] [--markdown OUT]

Scored on the blind letters (per part and overall; measure only), Teddy dev (category), the measurement half
of the Teddy replies (department read from the government's reply) and of the 人民网 messages (purpose).
Starter variants share one set of fitted SVMs and differ only in the numbers blended on top, so the
ablation isolates what the knowledge and each real calibration source add. Office models are what
`xinfang train` makes from Teddy train (category), the replies' calibration half (department) and the
人民网 calibration half (purpose). Timings are CPU seconds of this process, with a plain LinearSVC fit and
stock jieba in the same run as baselines. Nothing from the shared data is written into the repository.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.calibrate_routing import LABEL_ACCURACY, fit_numbers, starter_router  # noqa: E402
from bench.data import emit  # noqa: E402
from bench.realdata import sources  # noqa: E402
from bench.routing_eval import brief, score, suggest  # noqa: E402
from xinfang.classifier.calibration import apply_calibration  # noqa: E402
from xinfang.classifier.knowledge import Knowledge  # noqa: E402
from xinfang.classifier.model import Router  # noqa: E402
from xinfang.classifier.training import fit_router  # noqa: E402
from xinfang.commands.starter import STARTER_SIZE  # noqa: E402
from xinfang.intake.fields.urgency import urgency_field  # noqa: E402

KNOWLEDGE_PARTS = {"duties+属地 (department)": "department", "purpose cues": "purpose",
                   "category cues": "category"}


def numbers_of(router: Router) -> dict:
    return {"heads": {h: {"scale": m.scale, "knowledge_weight": getattr(m, "knowledge_weight", 0.0)}
                      for h, m in router.heads.items() if m.svc is not None}, "abstain_threshold": router.threshold}


def real_sets(router: Router) -> dict[str, tuple[list[dict], bool]]:
    """The measurement halves; `replies_test_county`: without the replies a city's 街道/社区 handled (属地
    routing no text names, which the confidence weights are not fitted on either)."""
    depts = set(router.office.departments)
    replies = [r for r in sources.replies(depts) if sources.half(r["id"]) == 1]
    return {"teddy_dev": (sources.teddy_dev(), False),
            "replies_test": (replies, False),
            "replies_test_county": ([r for r in replies if r["department"] != router.office.township_unit], False),
            "rmw_test": ([r for r in sources.rmw() if sources.half(r["id"]) == 1], False)}


TEDDY_CATEGORIES = {"城乡建设", "环境保护", "交通运输", "教育文体", "劳动和社会保障", "商贸旅游", "卫生健康"}


def blind_sets() -> dict[str, list[dict]]:
    parts = {f"blind_{p}": sources.blind(p) for p in sources.PARTS}
    parts["blind_all"] = [r for p in sources.PARTS for r in parts[f"blind_{p}"]]
    return parts


def evaluate(router: Router, blind: dict[str, list[dict]], real: dict[str, tuple[list[dict], bool]],
             keep_suggestions: bool = False) -> dict:
    out: dict = {}
    for name, records in blind.items():
        found = suggest(router, records)
        out[name] = score(router, records, found)
        if keep_suggestions and name == "blind_all":
            out["_suggestions"] = found
    for name, (records, segmented) in real.items():
        found = suggest(router, records, segmented)
        # the hand checks cover the letters the confidence is fitted on: Teddy read with its own 7 labels (not
        # the 17-way reading, where an office label Teddy lacks is wrong by taxonomy), county units' replies
        checked = {h: a for h, a in LABEL_ACCURACY.items()
                   if (h != "department" or name == "replies_test_county") and (h != "category" or name != "teddy_dev")}
        out[name] = score(router, records, found, segmented=segmented, label_accuracy=checked)
        if name == "teddy_dev":  # also as an office with Teddy's own 7 labels would read it
            out["teddy_dev_7"] = score(router, records, found, restrict={"category": TEDDY_CATEGORIES},
                                       label_accuracy=LABEL_ACCURACY)
    return out


def office_models(blind: dict[str, list[dict]], depts: set[str]) -> dict:
    """What `xinfang train` on an office's records reaches (each real source trains the head it labels)."""
    out: dict = {}
    train = sources.teddy_train()
    started = time.process_time()
    teddy = fit_router(train, segmented=True)
    train_cpu = time.process_time() - started
    dev = sources.teddy_dev()
    suggest(teddy, dev[:2])  # jieba's dictionaries load once per process: not part of prediction time
    started = time.process_time()
    found = suggest(teddy, dev)
    predict_cpu = time.process_time() - started
    out["teddy"] = {"train_cpu_seconds": round(train_cpu, 1), "letters_per_cpu_second": round(len(dev) / predict_cpu, 1),
                    "teddy_dev": brief(score(teddy, dev, found)),
                    "blind_all": brief(score(teddy, [{"text": r["text"], "category": r["category"]}
                                                     for r in blind["blind_all"]]))}
    from sklearn.svm import LinearSVC  # baseline in the same process

    X = teddy.featurizer.transform(teddy.featurizer.documents([r["text"] for r in train], segmented=True))  # noqa: N806
    started = time.process_time()
    LinearSVC().fit(X, [r["category"] for r in train])
    out["teddy"]["one_svc_fit_cpu_seconds"] = round(time.process_time() - started, 1)
    replies = sources.replies(depts)
    dept = fit_router([r for r in replies if sources.half(r["id"]) == 0])
    out["replies"] = {"replies_test": brief(score(dept, [r for r in replies if sources.half(r["id"]) == 1])),
                      "blind_all": brief(score(dept, [{"text": r["text"], "department": r["department"]}
                                                      for r in blind["blind_all"]]))}
    rmw = sources.rmw()
    purpose = fit_router([r for r in rmw if sources.half(r["id"]) == 0])
    out["rmw"] = {"rmw_test": brief(score(purpose, [r for r in rmw if sources.half(r["id"]) == 1])),
                  "blind_all": brief(score(purpose, [{"text": r["text"], "purpose": r["purpose"]}
                                                     for r in blind["blind_all"]]))}
    return out


def desk_urgent(records: list[dict], found: list[dict]) -> dict:
    """扬言 as the desk shows it: the router's rule or intake's urgency field (the letter is urgent if either)."""
    truth = [bool(r.get("urgent")) for r in records]
    flagged = [bool(s["flags"]["urgent"]) or bool(urgency_field(r["text"])["value"])
               for r, s in zip(records, found, strict=True)]
    hits = sum(t and f for t, f in zip(truth, flagged, strict=True))
    return {"n": sum(truth), "flagged": sum(flagged), "recall": round(hits / max(sum(truth), 1), 4),
            "precision": round(hits / sum(flagged), 4) if sum(flagged) else None}


def common_errors(records: list[dict], found: list[dict], limit: int = 10) -> list[dict]:
    pairs: Counter = Counter()
    for r, s in zip(records, found, strict=True):
        for head in ("category", "purpose", "department"):
            if r.get(head) and s[head]["label"] != r[head]:
                pairs[(head, r[head], s[head]["label"])] += 1
    return [{"head": h, "truth": t, "predicted": p, "n": n} for (h, t, p), n in pairs.most_common(limit)]


def _cell(report: dict, head: str, key: str = "accuracy") -> str:
    value = report.get(head, {}).get(key)
    return "—" if value is None else f"{value:.3f}"


HEADS = ("category", "purpose", "department")


def _heads(report: dict, key: str, sep: str) -> str:
    """One measure of the three heads, joined (`sep`: " / " inside a cell, " | " across cells)."""
    return sep.join(_cell(report, h, key) for h in HEADS)


def markdown(results: dict) -> str:
    """The tables of bench/RESULTS.md from a results dict."""
    shipped = results["variants"]["shipped: knowledge + real calibration"]
    lines = ["| set | n | category | purpose | department | category top-80% | purpose top-80% | department top-80% "
             "| ECE cat / pur / dept | ECE if calibrated (noise) | mean confidence − accuracy "
             "| ECE allowing for label errors | 需人工分流 share | errors flagged | 扬言 recall / precision |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, report in shipped.items():
        urgent = report.get("urgent") or {}
        flagged = f"{report.get('routing_errors_flagged', 0)}/{report.get('routing_errors', 0)}"
        lines.append(f"| {name} | {report['category' if 'category' in report else next(iter(report))].get('n', '')} | "
                     f"{_heads(report, 'accuracy', ' | ')} | {_heads(report, 'accuracy_top80', ' | ')} | "
                     f"{_heads(report, 'ece', ' / ')} | {_heads(report, 'ece_floor', ' / ')} | "
                     f"{_heads(report, 'confidence_gap', ' / ')} | {_heads(report, 'ece_vs_label', ' / ')} | "
                     f"{report.get('needs_routing_share', 0):.2f} | {flagged} | "
                     + (f"{urgent.get('recall')} / {urgent.get('precision')}" if urgent else "—") + " |")
    lines += ["", "| variant | blind cat | blind purpose | blind dept | Teddy dev cat | replies dept | rmw purpose "
              "| blind dept ECE |", "|---|---|---|---|---|---|---|---|"]
    for name, v in results["variants"].items():
        lines.append(f"| {name} | {_cell(v['blind_all'], 'category')} | {_cell(v['blind_all'], 'purpose')} | "
                     f"{_cell(v['blind_all'], 'department')} | {_cell(v['teddy_dev'], 'category')} | "
                     f"{_cell(v['replies_test'], 'department')} | {_cell(v['rmw_test'], 'purpose')} | "
                     f"{_cell(v['blind_all'], 'department', 'ece')} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=STARTER_SIZE)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--skip-office", action="store_true")
    parser.add_argument("--office-only", action="store_true", help="only the models trained on real records")
    parser.add_argument("--markdown", type=Path, help="also write the summary tables here")
    args = parser.parse_args()
    load = [round(x, 2) for x in os.getloadavg()]
    if args.office_only:
        from xinfang.classifier.routing_table import load_office

        found = office_models(blind_sets(), set(load_office().departments))
        emit(found, args.json)
        return
    started = time.process_time()
    router = starter_router(args.size)
    results: dict = {"starter_train_cpu_seconds": round(time.process_time() - started, 1), "starter_size": args.size}
    blind, real = blind_sets(), real_sets(router)
    own = numbers_of(router)
    variants: dict[str, dict] = {}

    def run(name: str, numbers: dict, keep: bool = False) -> dict:
        router.confidence = None
        apply_calibration(router, numbers)
        router.threshold = numbers.get("abstain_threshold")
        variants[name] = evaluate(router, blind, real, keep)
        print(name, {k: v.get("department", {}).get("accuracy") for k, v in variants[name].items()
                     if isinstance(v, dict)}, flush=True)
        return variants[name]

    no_knowledge = {"heads": {h: {"scale": v["scale"], "knowledge_weight": 0.0} for h, v in own["heads"].items()}}
    run("old starter (generated-only temperature, no knowledge)", no_knowledge)
    run("+ knowledge, weights from generated letters", own)
    apply_calibration(router, no_knowledge)
    run("+ real calibration (temperature), no knowledge", fit_numbers(router, knowledge=False, confidence=False))
    apply_calibration(router, no_knowledge)
    run("+ knowledge + real temperature, no confidence weights", fit_numbers(router, confidence=False))
    apply_calibration(router, no_knowledge)
    shipped = fit_numbers(router)
    results["calibration"] = shipped
    final = run("shipped: knowledge + real calibration", shipped, keep=True)
    for left_out in ("teddy", "rmw", "replies"):
        apply_calibration(router, no_knowledge)
        partial = fit_numbers(router, use={"teddy", "rmw", "replies"} - {left_out})
        for head, values in own["heads"].items():
            partial["heads"].setdefault(head, values)
        partial.setdefault("abstain_threshold", shipped["abstain_threshold"])
        run(f"shipped without {left_out} calibration", partial)
    full = router.knowledge
    for part, head in KNOWLEDGE_PARTS.items():
        router._knowledge = Knowledge(cues={h: v for h, v in full.cues.items() if h != head},
                                      signal=full.signal, min_signal=full.min_signal, precedence=full.precedence,
                                      rule_labels=full.rule_labels)
        run(f"shipped without {part}", shipped)
    for part, change in (("cue precedence", {"precedence": {}}), ("rule cues", {"rule_labels": {}})):
        router._knowledge = Knowledge(**{"cues": full.cues, "signal": full.signal, "min_signal": full.min_signal,
                                         "precedence": full.precedence, "rule_labels": full.rule_labels, **change})
        run(f"shipped without {part}", shipped)
    router._knowledge = full
    apply_calibration(router, shipped)
    dev = sources.teddy_dev()
    suggest(router, dev[:2])  # jieba's dictionaries load once per process: not part of prediction time
    started = time.process_time()
    suggest(router, dev)
    results["starter_letters_per_cpu_second"] = round(len(dev) / (time.process_time() - started), 1)
    suggestions = final.pop("_suggestions")
    results["blind_common_errors"] = common_errors(blind["blind_all"], suggestions)
    results["blind_urgent_desk"] = {name: desk_urgent(records, suggest(router, records))
                                    for name, records in blind.items()}
    results["variants"] = {name: {k: brief(v) for k, v in report.items()} for name, report in variants.items()}
    results["shipped_detail"] = {k: {h: v[h] for h in ("category", "purpose", "department") if h in v}
                                 for k, v in final.items()
                                 if k in ("blind_all", "teddy_dev", "teddy_dev_7", "replies_test", "replies_test_county",
                                          "rmw_test")}
    if not args.skip_office:
        results["office_models"] = office_models(blind, set(router.office.departments))
    results["load_average"] = {"start": load, "end": [round(x, 2) for x in os.getloadavg()]}
    if args.markdown:
        args.markdown.write_text(markdown(results), encoding="utf-8")
    emit(results, args.json)


if __name__ == "__main__":
    main()

"""扬言 hits on the real messages, listed for reading by hand (none of these messages is labelled for threats).

    python -m bench.threat_hits [--list] [--save F] [--against F]

Teddy dev, every Teddy reply message and the 人民网 messages, each read as title and text the way the router
reads a letter: the router's rule with the starter office's threat words, and the desk (the rule or intake's
urgency field, which reads the same office words). `--save` keeps the hits (source, id, phrases) so that a change can be read as what it added
and dropped (`--against`), which is where a phrasing's precision is decided.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.data import read_csv
from bench.realdata import sources
from xinfang.classifier.routing_table import STARTER, load_office
from xinfang.classifier.rules import apply_rules
from xinfang.intake.fields.urgency import urgency_field


def messages() -> list[tuple[str, str, str]]:
    """(source, id, title + text) of every real message the 扬言 count reads."""
    sources._csv("teddy2020c", "replies.csv")  # raises the field size limit for the long texts
    out = [("teddy_dev", r["id"], f"{r['title']}\n{r['text']}") for r in sources.teddy_dev()]
    out += [("replies", r["id"], f"{r['title']}\n{r['text']}") for r in read_csv("teddy2020c", "replies.csv")]
    out += [("rmw", r["id"], f"{r['title']}\n{r['text']}") for r in sources.rmw()]
    return out


def hits() -> dict[str, dict[str, list[str]]]:
    words = load_office(STARTER).rule_words  # the starter's words, whatever office file ./var holds
    out: dict[str, dict[str, list[str]]] = {}
    for source, key, text in messages():
        rule = apply_rules(text, words).matched.get("urgent", [])
        desk = [item["value"] for item in urgency_field(text, words)["items"]]
        if rule or desk:
            out[f"{source}:{key}"] = {"rule": list(rule), "desk": desk}
    return out


def _context(text: str, phrase: str, width: int = 30) -> str:
    at = text.find(phrase)
    return text[max(0, at - width):at + len(phrase) + width].replace("\n", " ") if at >= 0 else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print every hit with its context")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--against", type=Path, help="hits saved before a change: print what it added and dropped")
    args = parser.parse_args(argv)
    found = hits()
    texts = {f"{s}:{k}": t for s, k, t in messages()}
    print(json.dumps({"messages": len(texts), "rule": sum(bool(h["rule"]) for h in found.values()),
                      "desk": len(found)}, ensure_ascii=False))
    if args.save:
        args.save.write_text(json.dumps(found, ensure_ascii=False, indent=0), encoding="utf-8")
    shown = found
    if args.against:
        before = json.loads(args.against.read_text(encoding="utf-8"))
        shown = {k: v for k, v in found.items() if k not in before}
        for key in sorted(set(before) - set(found)):
            phrase = (before[key]["rule"] or before[key]["desk"])[0]
            print("dropped", key, before[key], "|", _context(texts[key], phrase))
    if args.list or args.against:
        for key, h in sorted(shown.items()):
            phrase = (h["rule"] or h["desk"])[0]
            print("added" if args.against else "hit", key, h, "|", _context(texts[key], phrase))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

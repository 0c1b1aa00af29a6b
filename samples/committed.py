"""(Re)build the committed sample set in samples/letters: about 60 letters covering every category and
purpose, repeats, neighbours, hard negatives, anonymous and joint letters, and every scan kind and quality.

Run: `python -m samples.committed` (deterministic; rewrites samples/letters).

WHY a scripted plan rather than random draws: the set is small, and the tests and the demo rely on
fixed facts (S0001 a clean printed scan, S0002 its angrier repeat, every label present).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from xinfang.samples.export import batch_entry, scan_entry, text_entry, write_index
from xinfang.samples.generate import Generator
from xinfang.samples.render.scan import KINDS, QUALITIES
from xinfang.samples.vocab import SUBS

SEED = 20261123
PURPOSES = ("求决", "申诉", "意见建议", "揭发控告", "咨询")
OUT = Path(__file__).resolve().parent / "letters"
EXTRA = (("农村农业", "村务管理", "求决"), ("政法", "治安管理", "求决"), ("交通运输", "交通违章", "申诉"),
         ("农村农业", "水利", "意见建议"))
PLAIN = {"id_style": "plain", "phone_style": "plain", "plain_header": True, "typo_rate": 0.0, "form": "来信",
         "length": "medium"}


class Plan:
    """Letters in date order, each with how it arrives (text, or a scan of a kind and quality)."""

    def __init__(self) -> None:
        self.gen = Generator(SEED, prefix="S", width=4)
        self.day = date(2023, 3, 1)
        self.items: list[tuple[dict, str, str | None]] = []   # record, kind, quality
        self.scan_no = 0

    def tick(self, days: int = 5) -> date:
        self.day += timedelta(days=days)
        return self.day

    def arrival(self, online: bool, long: bool = False) -> tuple[str, str | None, dict]:
        """Next scan kind/quality in rotation, or text for online letters; writer overrides to match."""
        if online:
            return "text", None, {"form": "网上信访"}
        kind = KINDS[self.scan_no % len(KINDS)]
        quality = QUALITIES[(self.scan_no + self.scan_no // len(KINDS)) % len(QUALITIES)]
        self.scan_no += 1
        over: dict = {"form": "来信"}
        if kind == "multipage" or long:
            over["length"] = "very_long"
        return kind, quality, over

    def add(self, record: dict, kind: str, quality: str | None) -> dict:
        self.items.append((record, kind, quality))
        return record


def build_plan() -> tuple[Plan, list[dict]]:
    plan = Plan()
    gen = plan.gen
    # S0001 / S0002: the end-to-end contract.
    wage = SUBS["劳动和社会保障"]["拖欠工资"]
    first = plan.add(gen.new_matter(plan.tick(), sub=wage, purpose="求决", anonymous=False, joint=False,
                                    **PLAIN, urgent=False), "printed", "clean")
    s1_state = gen.matters[-1]
    plan.add(gen.repeat(s1_state, plan.tick(30), first["person_id"], **PLAIN, urgent=True), "printed", "clean")
    states = []
    number = 0
    for ci, (category, subs) in enumerate(SUBS.items()):
        for j, sub in enumerate(list(subs.values())[:2]):
            purpose = "揭发控告" if category == "纪检监察" else PURPOSES[(ci * 2 + j) % len(PURPOSES)]
            online = number % 4 == 3
            kind, quality, over = plan.arrival(online)
            anonymous = purpose == "揭发控告" and number % 2 == 0
            joint = number in (4, 17, 25)
            rec = gen.new_matter(plan.tick(), sub=sub, purpose=purpose, anonymous=anonymous,
                                 joint=joint and not anonymous, **over)
            plan.add(rec, kind, quality)
            states.append(gen.matters[-1])
            number += 1
            _interleave(plan, states, number, s1_state)
    # batches: eight more letters about new matters
    batch_records = [gen.new_matter(plan.tick(3), form="来信") for _ in range(8)]
    # departments the coverage loop does not reach (appended, so earlier letters stay as they are)
    for category, name, purpose in EXTRA:
        kind, quality, over = plan.arrival(False)
        plan.add(gen.new_matter(plan.tick(), sub=SUBS[category][name], purpose=purpose, anonymous=False, **over),
                 kind, quality)
    return plan, batch_records


def _interleave(plan: Plan, states: list, number: int, s1_state) -> None:
    """Repeats, neighbours and hard negatives between the coverage letters."""
    gen = plan.gen
    styles = ("spaced", "fullwidth", "wrong", "missing")
    if number % 6 == 0 and len(states) > 3:
        state = states[-4]
        key = sorted(state.letters)[0]
        kind, quality, over = plan.arrival(number % 12 == 0)
        over.update(id_style=styles[(number // 6) % 4], phone_style=styles[(number // 6 + 1) % 4])
        plan.add(gen.repeat(state, plan.tick(), key, **over), kind, quality)
    elif number % 9 == 4 and len(states) > 3:
        kind, quality, over = plan.arrival(False)
        plan.add(gen.neighbour(states[-3], plan.tick(), **over), kind, quality)
    elif number % 11 == 5:
        person = gen.people[len(gen.people) // 2]
        kind, quality, over = plan.arrival(False)
        plan.add(gen.new_matter(plan.tick(), person=person, anonymous=False, **over), kind, quality)
    if number == 20:
        # the wage matter again: a neighbour from the same site, then S0001's third letter (ID full-width)
        kind, quality, over = plan.arrival(False)
        plan.add(gen.neighbour(s1_state, plan.tick(), **over), kind, quality)
        kind, quality, over = plan.arrival(False)
        plan.add(gen.repeat(s1_state, plan.tick(), plan.items[0][0]["person_id"], id_style="fullwidth",
                            urgent=True, **over), kind, quality)
    if number == 28:
        anon = next((s for s in states if "anon" in s.letters), None)
        if anon is not None:
            kind, quality, over = plan.arrival(False)
            plan.add(gen.repeat(anon, plan.tick(), "anon", **over), kind, quality)


def build(out: Path = OUT) -> dict:
    """Write the committed set; returns a summary (counts, size)."""
    plan, batch_records = build_plan()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    entries = []
    for record, kind, quality in plan.items:
        if kind == "text":
            entries.append(text_entry(record, out))
        else:
            entries.append(scan_entry(record, kind, quality, out, salt=SEED))
    batches = []
    for n, (chunk, separators, quality) in enumerate(((batch_records[:4], True, "light"),
                                                      (batch_records[4:], False, "medium")), start=1):
        batch, more = batch_entry(chunk, f"B{n:02d}.pdf", separators, quality, out, salt=SEED)
        batches.append(batch)
        entries.extend(more)
    entries.sort(key=lambda e: e["id"])
    write_index(out, entries, batches)
    size = sum(p.stat().st_size for p in out.iterdir())
    return {"letters": len(entries), "batches": len(batches), "bytes": size}


if __name__ == "__main__":
    print(build())

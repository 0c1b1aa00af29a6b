"""Generate any number of text letters with ground truth, deterministically from a seed.

WHY a stateful generator: repeat filings need history. Letters arrive in date order; some are new
matters, some the same person writing again weeks later (reworded, angrier, the ID written differently),
some a neighbour about the same matter (grouped, not a repeat), some the same person about another
matter (a hard negative for the repeat detector).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from xinfang.samples.compose import Writer, compose
from xinfang.samples.matter import make_matter
from xinfang.samples.people import make_person, pick_place, pick_style
from xinfang.samples.phrasing import vary
from xinfang.samples.styles import STYLES, restyle
from xinfang.samples.vocab import EVERY_UNIT, Sub

START = date(2023, 1, 1)
SPAN_DAYS = 730
FIRST_ID_WEIGHTS = (62, 14, 6, 4, 14)     # plain, spaced, fullwidth, wrong, missing
REPEAT_ID_WEIGHTS = (40, 20, 15, 10, 15)


@dataclass
class MatterState:
    """A matter and the letters written about it so far."""

    matter: dict
    first_letter: str
    received: date
    letters: dict[str, str] = field(default_factory=dict)   # person key -> that person's first letter id
    counts: dict[str, int] = field(default_factory=dict)    # person key -> letters written


class Generator:
    """Keeps people and matters so that later letters can refer to earlier ones."""

    def __init__(self, seed: int, prefix: str = "G", width: int = 6, styles: tuple[str, ...] = (),
                 plain_share: float = 0.3, every_unit: bool = False) -> None:
        self.rng = random.Random(seed)
        self.table = EVERY_UNIT if every_unit else None
        # Voices (samples/styles.py) draw from their own generator, so the letters of a seed without
        # styles stay exactly what they were.
        self.styles, self.plain_share = styles, plain_share
        self.style_rng = random.Random(f"{seed}-styles")
        self.prefix, self.width = prefix, width
        self.people: list[dict] = []
        self.matters: list[MatterState] = []
        self.records: list[dict] = []

    # ---- helpers -------------------------------------------------------------------------------
    def next_id(self) -> str:
        return f"{self.prefix}{len(self.records) + 1:0{self.width}d}"

    def new_person(self, town: str | None = None, village: str | None = None) -> dict:
        person = make_person(self.rng, f"P{len(self.people) + 1:06d}", town, village)
        self.people.append(person)
        return person

    def _writer(self, person: dict | None, received: date, repeat_k: int, form: str | None = None,
                **overrides: object) -> Writer:
        rng = self.rng
        form = form or ("网上信访" if rng.random() < 0.25 else "来信")
        written = received if form == "网上信访" else received - timedelta(days=rng.randrange(1, 7))
        weights = REPEAT_ID_WEIGHTS if repeat_k else FIRST_ID_WEIGHTS
        w = Writer(person=person, id_style=pick_style(rng, weights), phone_style=pick_style(rng, weights),
                   urgent=rng.random() < (0.3 if repeat_k else 0.05), repeat_k=repeat_k, date_written=written,
                   length=rng.choices(("short", "medium", "long", "very_long"), weights=(22, 40, 28, 10))[0], form=form,
                   typo_rate=rng.choice((0.0, 0.0, 0.05, 0.15)))
        for key, value in overrides.items():
            setattr(w, key, value)
        return w

    def _cosigners(self, person: dict) -> list[dict]:
        out = []
        for _ in range(self.rng.randrange(5, 10)):
            other = self.new_person(person["town"], person["village"])
            entry = {"name": other["name"], "person_id": other["person_id"]}
            if self.rng.random() < 0.4:
                entry["phone"] = other["phone"]
            if self.rng.random() < 0.2:
                entry["id_number"] = other["id_number"]
            out.append(entry)
        return out

    def _emit(self, state: MatterState, matter_view: dict, writer: Writer, received: date,
              repeat_of: str | None, same_matter_as: str | None) -> dict:
        letter_id = self.next_id()
        written = compose(self.rng, matter_view, writer)
        style = "plain"
        if self.styles and self.style_rng.random() >= self.plain_share:
            style = self.style_rng.choice(self.styles)
            written = restyle(self.style_rng, style, matter_view, writer.person, written)
        person = writer.person
        m = matter_view
        petitioner = None
        if person is not None:
            petitioner = {"name": person["name"], "id_number": person["id_number"],
                          "id_number_as_written": written["id_number_as_written"], "phone": person["phone"],
                          "phone_as_written": written["phone_as_written"], "address": person["address"]}
        text = written["text"]
        record = {
            "id": letter_id, "text": text, "title": written["title"], "category": m["category"],
            "subcategory": m["subcategory"], "purpose": m["purpose"], "department": m["department"],
            "township": m["township"], "village": m["village"], "petitioner": petitioner,
            "cosigners": [{k: v for k, v in c.items() if k != "person_id"} for c in writer.cosigners],
            "anonymous": person is None, "urgent": writer.urgent,
            "accused": m["accused"] if (m["purpose"] == "揭发控告" or m["accused"] in text) else None,
            "date_written": writer.date_written.isoformat(), "received": received.isoformat(),
            "repeat_of": repeat_of, "same_matter_as": same_matter_as, "matter_id": m["matter_id"],
            "person_id": person["person_id"] if person else None, "form": writer.form,
        }
        if self.styles:
            record["style"] = style
        key = person["person_id"] if person else "anon"
        state.letters.setdefault(key, letter_id)
        state.counts[key] = state.counts.get(key, 0) + 1
        self.records.append(record)
        return record

    # ---- the three kinds of letter -------------------------------------------------------------
    def new_matter(self, received: date, person: dict | None = None, sub: Sub | None = None,
                   purpose: str | None = None, anonymous: bool | None = None, joint: bool | None = None,
                   **writer: object) -> dict:
        """A letter opening a new matter, by a new or a given person."""
        rng = self.rng
        town, village = (person["town"], person["village"]) if person else pick_place(rng)
        matter = make_matter(rng, f"M{len(self.matters) + 1:06d}", town, village, sub, purpose, self.table)
        if anonymous is None:
            anonymous = person is None and rng.random() < (0.4 if matter["purpose"] == "揭发控告" else 0.06)
        if not anonymous and person is None:
            person = self.new_person(town, village)
        w = self._writer(None if anonymous else person, received, 0, **writer)
        if not anonymous and (joint if joint is not None else rng.random() < 0.06):
            w.cosigners = self._cosigners(person)
        state = MatterState(matter, self.next_id(), received)
        self.matters.append(state)
        return self._emit(state, matter, w, received, None, None)

    def repeat(self, state: MatterState, received: date, person_key: str | None = None, **writer: object) -> dict:
        """The same person (or the same anonymous informant) writing again about the same matter."""
        key = person_key or self.rng.choice(sorted(state.letters))
        if key == "anon" and state.matter["purpose"] != "揭发控告":
            # an anonymous letter is recognised as a repeat only by the party it reports on
            return self.neighbour(state, received, **writer)
        person = None if key == "anon" else self._person(key)
        first = state.letters[key]
        earlier = next(r for r in reversed(self.records) if r["matter_id"] == state.matter["matter_id"]
                       and (r["person_id"] or "anon") == key)
        view = self._reword(state.matter)
        w = self._writer(person, received, state.counts[key], previous_date=date.fromisoformat(earlier["date_written"]),
                         **writer)
        same = state.first_letter if first != state.first_letter else None
        return self._emit(state, view, w, received, first, same)

    def neighbour(self, state: MatterState, received: date, **writer: object) -> dict:
        """Another person from the same place about the same matter: grouped, not a repeat."""
        m = state.matter
        person = self.new_person(m["township"], m["village"])
        w = self._writer(person, received, 0, **writer)
        return self._emit(state, self._reword(m), w, received, None, state.first_letter)

    # ---- internals -----------------------------------------------------------------------------
    def _person(self, key: str) -> dict:
        return self.people[int(key[1:]) - 1]

    def _reword(self, matter: dict) -> dict:
        """Same facts, told again in other words (synonyms) with the details in another order."""
        view = dict(matter)
        view["situation"] = vary(self.rng, matter["situation"], 0.9)
        details = list(matter["details"])
        self.rng.shuffle(details)
        view["details"] = details
        return view


def _eligible(gen: Generator, received: date, window: int = 400) -> list[MatterState]:
    cutoff = received - timedelta(days=14)
    recent = gen.matters[-window:]
    return [s for s in recent if s.received <= cutoff]


def generate_letters(count: int, seed: int, styles: tuple[str, ...] | bool = (), every_unit: bool = False) -> list[dict]:
    """`count` text letters with ground truth, deterministic for (count, seed, styles, every_unit).

    `styles`: voices to mix in (True: all of samples/styles.py); each letter then records its `style`.
    `every_unit`: also write to the units the base vocabulary leaves out (医保局, 司法局, 检察院).
    """
    gen = Generator(seed, styles=STYLES if styles is True else tuple(styles or ()), every_unit=every_unit)
    rng = gen.rng
    step = SPAN_DAYS / max(count, 1)
    for i in range(count):
        received = START + timedelta(days=int(i * step))
        roll = rng.random()
        eligible = _eligible(gen, received) if roll < 0.26 else []
        if roll < 0.13 and eligible:
            gen.repeat(rng.choice(eligible), received)
        elif roll < 0.20 and eligible:
            gen.neighbour(rng.choice(eligible), received)
        elif roll < 0.26 and gen.people:
            person = gen.people[rng.randrange(len(gen.people))]
            gen.new_matter(received, person=person, anonymous=False)
        else:
            gen.new_matter(received)
    return gen.records

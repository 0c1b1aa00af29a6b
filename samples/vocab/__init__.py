"""Per-subcategory vocabulary for the letter generator.

WHY this shape: a classifier trained on generated letters must learn the category from content words
(征收, 欠薪, 噪声 ...) and not from a template, so each 二级 subcategory brings its own situations,
demands, questions, suggestions and accused parties, and the composer mixes them with generic parts.

Each field is a list of short phrases with slots filled by the composer:
{t} township, {v} village/community, {y} year, {n} a small number, {money} an amount, {co} a company,
{who} the accused party, {cadre} an official (e.g. 村支书王某).
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.samples.vocab import part_a, part_b, part_c


@dataclass(frozen=True)
class Sub:
    """One 二级 subcategory: routing default and phrase pools."""

    category: str
    name: str
    department: str
    official: bool          # the usual accused party is an official/government unit (揭发控告 -> 纪委监委)
    situations: tuple[str, ...]
    fixes: tuple[str, ...]        # what 求决 letters ask to be done
    questions: tuple[str, ...]    # what 咨询 letters ask
    suggestions: tuple[str, ...]  # what 意见建议 letters propose
    accused: tuple[str, ...]
    details: tuple[str, ...]      # extra facts, used for repeats ("new facts") and longer letters
    orgs: tuple[str, ...]         # industry words for company names


def _split(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.split("|") if p.strip())


def _load(modules: tuple = (part_a, part_b)) -> dict[str, dict[str, Sub]]:
    table: dict[str, dict[str, Sub]] = {}
    for module in modules:
        for category, subs in module.DATA.items():
            for name, row in subs.items():
                dept, official, situ, fix, ask, sug, who, det, orgs = row
                table.setdefault(category, {})[name] = Sub(
                    category, name, dept, official, _split(situ), _split(fix), _split(ask), _split(sug),
                    _split(who), _split(det), _split(orgs))
    return table


SUBS: dict[str, dict[str, Sub]] = _load()
# Every unit of the office: the base subcategories plus those for 医保局, 司法局 and 检察院 (part_c).
EVERY_UNIT: dict[str, dict[str, Sub]] = _load((part_a, part_b, part_c))


def all_subs() -> list[Sub]:
    """Every subcategory in a stable order."""
    return [sub for subs in SUBS.values() for sub in subs.values()]

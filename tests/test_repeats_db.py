"""Repeat detection against the real index tables, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from tests.test_repeats_unit import FACTORY, FACTORY_REWORDED, ID, SAMPLE_PLACES, WAGES, fields
from xinfang.matching.features import gazetteer
from xinfang.matching.service import export_fields, find_repeats, index_letter, reindex
from xinfang.models import Letter, RepeatLink, Status
from xinfang.models.db import session_scope
from xinfang.models.repeat_index import (
    RepeatBand,
    RepeatKey,
    RepeatMatterGroup,
    RepeatPetitioner,
    RepeatSignature,
)


def fresh(url):
    """The PostgreSQL database is shared by this module's tests: start each from no letters."""
    from sqlalchemy import delete

    from xinfang.matching.store import clear

    with session_scope(url) as session:
        clear(session)
        session.execute(delete(RepeatLink))
        session.execute(delete(Letter))


OFFICE = gazetteer(str(SAMPLE_PLACES))  # the office's own places (the letters here are from the sample county)


def add(session, text, flds, received, stage=None):
    """What the pipeline does: store the letter, find its repeats, store the links, index it."""
    value = lambda k: (flds.get(k) or {}).get("value")  # noqa: E731
    letter = Letter(received_date=received, text=text, fields=flds, status=Status.review,
                    id_number=None if len(value("id_number") or "") > 18 else value("id_number"), phone=value("phone"), petitioner_name=value("name"),
                    case_stage=stage)
    session.add(letter)
    session.flush()
    for decision in find_repeats(session, letter, places=OFFICE):
        session.add(RepeatLink(letter_id=letter.id, **decision.to_link()))
    index_letter(session, letter, places=OFFICE)
    session.flush()
    return letter


def test_history_of_one_person_and_a_group_of_neighbours(db_settings):
    fresh(db_settings.database_url)
    with session_scope(db_settings.database_url) as session:
        first = add(session, FACTORY, fields("张秀英", ID, "13805381234", "柳林镇大王庄村"), date(2022, 3, 1), "办理")
        wages = add(session, WAGES, fields("张秀英", ID), date(2022, 5, 1))
        again = add(session, FACTORY_REWORDED, fields("张秀瑛", None, None, "大王庄"), date(2023, 4, 2))
        third = add(session, "再次" + FACTORY, fields("张秀英", " ".join(ID[i:i + 6] for i in (0, 6, 12))),
                    date(2024, 1, 9))
        neighbour = add(session, FACTORY_REWORDED.replace("我再次反映", "我是邻村的"),
                        fields("刘德福", None, "13900001111", "柳林镇大王庄村"), date(2024, 2, 1))
        ids = [x.id for x in (first, wages, again, third, neighbour)]
    with session_scope(db_settings.database_url) as session:
        first, wages, again, third, neighbour = (session.get(Letter, i) for i in ids)
        assert first.repeat_link is None and wages.repeat_link is None
        assert again.repeat_link.kind == "repeat" and again.repeat_link.earlier_id == first.id
        assert again.repeat_link.reason["identity"] == "姓名+地址相近"
        assert "正在办理" in again.repeat_link.reason["stage_implication"]
        assert third.repeat_link.kind == "repeat" and third.repeat_link.earlier_id == first.id
        assert third.repeat_link.reason["identity"] == "身份证号相同"
        assert neighbour.repeat_link.kind == "same_matter"
        groups = {i: session.get(RepeatSignature, i).matter_group_id for i in ids}
        assert groups[first.id] == groups[again.id] == groups[third.id] == groups[neighbour.id] != groups[wages.id]
        group = session.get(RepeatMatterGroup, groups[first.id])
        assert (group.letter_count, group.people_count) == (4, 2)
        people = {i: session.get(RepeatSignature, i).petitioner_id for i in ids}
        assert people[first.id] == people[wages.id] == people[again.id] == people[third.id] != people[neighbour.id]
        assert session.get(RepeatPetitioner, people[first.id]).letter_count == 4
        exported = export_fields(session, neighbour)
        assert exported["matter_group"] == {"id": group.id, "letters": 4, "people": 2}
        assert exported["reasons"]["matter_group"] == group.id


def test_indexing_twice_does_not_duplicate_and_reindex_rebuilds_the_same(db_settings):
    fresh(db_settings.database_url)
    with session_scope(db_settings.database_url) as session:
        first = add(session, FACTORY, fields("张秀英", ID), date(2022, 3, 1))
        second = add(session, FACTORY_REWORDED, fields("张秀英", ID), date(2023, 3, 1))
        rows = session.scalar(select(func.count()).select_from(RepeatBand))
        keys = session.scalar(select(func.count()).select_from(RepeatKey))
        index_letter(session, second, places=OFFICE)  # a retried job
        session.flush()
        assert session.scalar(select(func.count()).select_from(RepeatBand)) == rows
        assert session.scalar(select(func.count()).select_from(RepeatKey)) == keys
        before = session.get(RepeatSignature, second.id).matter_group_id
        assert before == session.get(RepeatSignature, first.id).matter_group_id
    with session_scope(db_settings.database_url) as session:
        assert reindex(session, places=OFFICE) == 2
    with session_scope(db_settings.database_url) as session:
        assert session.scalar(select(func.count()).select_from(RepeatBand)) == rows
        assert session.scalar(select(func.count()).select_from(RepeatMatterGroup)) == 1
        assert session.scalar(select(func.count()).select_from(RepeatLink)) == 1


def test_reindex_finds_links_for_letters_registered_before_detection_ran(db_settings):
    fresh(db_settings.database_url)
    with session_scope(db_settings.database_url) as session:
        for text, received in ((FACTORY, date(2021, 1, 1)), (FACTORY_REWORDED, date(2021, 2, 1))):
            session.add(Letter(received_date=received, text=text, fields=fields("张秀英", ID), id_number=ID,
                               status=Status.review))
    with session_scope(db_settings.database_url) as session:
        assert reindex(session, places=OFFICE) == 2
    with session_scope(db_settings.database_url) as session:
        link = session.scalar(select(RepeatLink))
        assert link.kind == "repeat" and link.earlier_id < link.letter_id


def test_a_rejected_link_is_not_used_for_the_group(db_settings):
    fresh(db_settings.database_url)
    with session_scope(db_settings.database_url) as session:
        first = add(session, FACTORY, fields("张秀英", ID), date(2022, 3, 1))
        second = add(session, FACTORY_REWORDED, fields("张秀英", ID), date(2023, 3, 1))
        second.repeat_link.confirmed = False
    with session_scope(db_settings.database_url) as session:
        reindex(session, places=OFFICE)
    with session_scope(db_settings.database_url) as session:
        assert (session.get(RepeatSignature, first.id).matter_group_id
                != session.get(RepeatSignature, second.id).matter_group_id)


def test_a_repeat_that_is_also_another_persons_matter_joins_the_two_groups(db_settings):
    """One person's case and another person's letter on the same matter, each in its own group until a
    letter is linked to both (a repeat of the first, the same matter as the second): then one group."""
    fresh(db_settings.database_url)
    with session_scope(db_settings.database_url) as session:
        first = add(session, FACTORY, fields("张秀英", ID), date(2022, 3, 1))
        other = add(session, WAGES, fields("刘德福", None, "13900001111"), date(2022, 4, 1))
        groups = {session.get(RepeatSignature, i).matter_group_id for i in (first.id, other.id)}
        assert len(groups) == 2
        third = Letter(received_date=date(2022, 5, 1), text=FACTORY_REWORDED, fields=fields("张秀英", ID),
                       id_number=ID, status=Status.review)
        session.add(third)
        session.flush()
        session.add(RepeatLink(letter_id=third.id, earlier_id=first.id, kind="repeat", score=0.9, reason={}))
        session.add(RepeatLink(letter_id=third.id, earlier_id=other.id, kind="same_matter", score=0.8, reason={}))
        session.flush()
        index_letter(session, third, places=OFFICE)
        session.flush()
        ids = (first.id, other.id, third.id)
    with session_scope(db_settings.database_url) as session:
        merged = {session.get(RepeatSignature, i).matter_group_id for i in ids}
        assert len(merged) == 1
        assert session.scalar(select(func.count()).select_from(RepeatMatterGroup)) == 1
        group = session.get(RepeatMatterGroup, merged.pop())
        assert (group.letter_count, group.people_count, group.first_letter_id) == (3, 2, first.id)


def test_name_counts_read_how_many_earlier_letters_name_a_unit(db_settings):
    """One statement per letter: each named place or unit of the letter with the number of indexed letters
    naming it, the letter itself left out."""
    from xinfang.matching.features import compute
    from xinfang.matching.names_df import name_counts

    fresh(db_settings.database_url)
    with session_scope(db_settings.database_url) as session:
        add(session, FACTORY, fields("张秀英", ID, "13805381234", "柳林镇大王庄村"), date(2022, 3, 1))
        add(session, WAGES, fields("李四"), date(2022, 4, 1))
        third = add(session, FACTORY_REWORDED, fields("王五", None, "13900001111"), date(2022, 5, 1))
        feats = compute(FACTORY_REWORDED, third.fields)
        counts = name_counts(session, feats, third.id)
        assert counts.get("宏达化工有限公司") == 1
        assert all(n <= 1 for n in counts.values())
        assert name_counts(session, feats, None).get("宏达化工有限公司") == 2


def test_a_firm_written_with_and_without_its_place_word_is_found_in_the_index(db_settings):
    """One neighbour writes the registered name (滨河鑫泰化工有限公司), another the name the village uses
    (鑫泰化工): the scoring takes them as one firm, so the index must make them candidates of each other,
    whichever letter came first, even when the wording shares no LSH band."""
    from xinfang.matching.features import compute
    from xinfang.matching.store import candidate_ids

    registered = "我们后屯村紧挨着滨河鑫泰化工有限公司，夜里排放刺鼻气体，庄稼都枯了，请环保部门查处。"
    spoken = "西柳林村村民反映：鑫泰化工厂子白天不开工半夜偷着生产，一股臭味，地里的麦苗发黄。"
    for first, second in ((registered, spoken), (spoken, registered)):
        fresh(db_settings.database_url)
        with session_scope(db_settings.database_url) as session:
            earlier = add(session, first, fields("李四"), date(2023, 5, 1))
            feats = compute(second, fields("王五", None, "13900001111"))
            found = candidate_ids(session, feats, exclude=None)
            assert earlier.id in found.weak, (first, feats.keys)
            assert not set(feats.bands) & set(compute(first, fields("李四")).bands)


def test_a_letter_leaves_no_key_behind_when_it_is_indexed_again(db_settings):
    """Re-indexing deletes the keys a letter was written with before writing its new ones: the name keys
    without a place word are read from the stored entities, so a word the segmenter learnt in between (an
    office's place name, 滨河鑫) changes nothing."""
    import jieba

    from xinfang.matching.service import features_of
    from xinfang.matching.store import remove_letter

    fresh(db_settings.database_url)
    text = "我们后屯村紧挨着滨河鑫泰化工有限公司，夜里排放刺鼻气体，庄稼都枯了。"
    with session_scope(db_settings.database_url) as session:
        letter = add(session, text, fields("李四"), date(2023, 5, 1))
        assert "unit:鑫泰化工" in [key for _, _, key in features_of(letter, OFFICE).keys]
        stored = session.scalar(select(func.count()).select_from(RepeatKey).where(RepeatKey.letter_id == letter.id))
        jieba.add_word("滨河鑫")
        try:
            remove_letter(session, letter.id)
            left = session.scalar(select(func.count()).select_from(RepeatKey).where(RepeatKey.letter_id == letter.id))
        finally:
            jieba.del_word("滨河鑫")
        assert stored and left == 0


def test_a_template_band_does_not_crowd_out_an_old_original(db_settings):
    """A band of more than BAND_CAP letters (a template sentence) is skipped: the old letter that shares
    the rarer bands is found however many newer letters share the popular one, and a letter sharing
    only the popular band is not a text candidate at all."""
    from xinfang.matching.features import Features
    from xinfang.matching.identity import Identity
    from xinfang.matching.store import BAND_CAP, candidate_ids
    from xinfang.matching.text import Entities, signature, to_bytes

    fresh(db_settings.database_url)
    NOBODY = Identity.from_json({})  # noqa: N806
    popular, rare = 11, [12, 13]
    with session_scope(db_settings.database_url) as session:
        rows = [{"band": popular, "letter_id": i} for i in range(1000, 1001 + BAND_CAP)]
        rows += [{"band": b, "letter_id": 5} for b in [popular, *rare]]
        rows += [{"band": rare[0], "letter_id": i} for i in (1000, 1001)]  # newer, share one rare band and the popular one
        session.execute(RepeatBand.__table__.insert(), rows)
        for letter_id in (5, 1000, 1001):  # PostgreSQL's look-up returns the candidates' stored rows too
            session.add(Letter(id=letter_id, received_date=date(2020, 1, 1), text="模板", status=Status.review))
            session.flush()
            session.add(RepeatSignature(letter_id=letter_id, minhash=to_bytes(signature("模板"))))
        session.flush()
        probe = Features(NOBODY, signature("模板"), [popular, *rare], Entities.from_json({}), [])
        found = candidate_ids(session, probe, exclude=None)
        assert found.text[0] == 5
        assert set(found.text) == {5, 1000, 1001}
        only_popular = candidate_ids(session, Features(NOBODY, signature("模板"), [popular], Entities.from_json({}), []), None)
        assert only_popular.text == []

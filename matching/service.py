"""The entry points the pipeline and the CLI call: find_repeats, index_letter, reindex, export_fields.

`find_repeats` only reads the index; `index_letter` writes the letter into it afterwards, assigning it
to a person in the registry and to a matter group from the links the pipeline stored (so a reviewer's
"not a repeat" verdict is respected when the index is rebuilt).
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.matching import names_df, store
from xinfang.matching.features import NO_PLACES, Features, Gazetteer, compute
from xinfang.matching.kinds import Lexicon
from xinfang.matching.score import Candidate, Decision, decide
from xinfang.matching.text import jaccard
from xinfang.models import Letter, RepeatLink
from xinfang.models.repeat_index import RepeatMatterGroup, RepeatSignature

log = logging.getLogger(__name__)


def features_of(letter: Letter, places: Gazetteer = NO_PLACES, lexicon: Lexicon | None = None) -> Features:
    return compute(letter.text if letter.text is not None else letter.ocr_text, letter.fields,
                   id_number=letter.id_number, phone=letter.phone, name=letter.petitioner_name, places=places,
                   lexicon=lexicon)


def find_repeats(session: Session, letter: Letter, feats: Features | None = None,
                 places: Gazetteer = NO_PLACES, lexicon: Lexicon | None = None) -> list[Decision]:
    """Decisions for a letter against every indexed earlier letter: best first, [] for a new matter.

    `places` is the office's own gazetteer (its places.json, see `features.gazetteer`), `lexicon` its
    complaint kinds (its office file's `complaint_kinds`, see `kinds.of_office`; the starter's when None).
    """
    feats = feats or features_of(letter, places, lexicon)
    candidates = _candidates(session, feats, letter.id)
    text = letter.text if letter.text is not None else (letter.ocr_text or "")
    return decide(letter.id, text, feats.identity, feats.sig, feats.entities, candidates,
                  texts=lambda ids: store.load_texts(session, ids), received=letter.received_date,
                  known_villages=places.villages,
                  name_counts=names_df.name_counts(session, feats, letter.id) if candidates else {})


WEAK_MIN_JACCARD = 0.05   # a fuzzy-name or place/unit candidate must share this much text to be compared
WEAK_KEEP = 30            # and only the most similar of them: a common unit name can bring hundreds
TEXT_MIN_JACCARD = 0.12   # a text-only candidate (another person) likewise
TEXT_KEEP = 15


def _candidates(session: Session, feats: Features, letter_id: int | None) -> list[Candidate]:
    """The earlier letters to compare, with their stored rows (one round trip on PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        found, records = store.lookup(session, feats, letter_id)
        keep = _keep(feats, found, {lid: records[lid].sig for lid in (found.weak | set(found.text)) - found.strong
                                    if lid in records})
        return [records[lid].candidate() for lid in sorted(keep) if lid in records]
    return store.load_candidates(session, retrieve(session, feats, letter_id)[1])


def retrieve(session: Session, feats: Features, letter_id: int | None) -> tuple[store.Found, set[int]]:
    """What the index finds for a letter, and the shortlist of it that is compared: strong identity
    candidates all; weak and text-only ones only when their MinHash agrees enough.

    Loading a candidate's full record (identity, entities, terms) costs far more than comparing two
    signatures, and a common name variant or a boilerplate band can bring dozens of strangers.
    """
    found = store.candidate_ids(session, feats, exclude=letter_id)
    return found, _keep(feats, found, store.minhashes(session, (found.weak | set(found.text)) - found.strong))


def _keep(feats: Features, found: store.Found, sigs: dict) -> set[int]:
    keep = set(found.strong)
    scored = sorted(((jaccard(feats.sig, sig), lid) for lid, sig in sigs.items()), reverse=True)
    keep.update([lid for j, lid in scored if lid in found.weak and j >= WEAK_MIN_JACCARD][:WEAK_KEEP])
    keep.update([lid for j, lid in scored if lid not in found.weak and j >= TEXT_MIN_JACCARD][:TEXT_KEEP])
    return keep


def _links(session: Session, letter_id: int) -> list[RepeatLink]:
    return list(session.scalars(select(RepeatLink).where(
        RepeatLink.letter_id == letter_id, RepeatLink.confirmed.is_not(False)).order_by(RepeatLink.score.desc())))


def index_letter(session: Session, letter: Letter, feats: Features | None = None,
                 places: Gazetteer = NO_PLACES, lexicon: Lexicon | None = None) -> None:
    """Add (or refresh) a letter in the index: its keys, bands, person and matter group."""
    feats = feats or features_of(letter, places, lexicon)
    existing = store.remove_letter(session, letter.id)
    if existing is not None:  # a retried job: keep the person and group it already has
        store.write_letter(session, letter.id, letter.received_date, feats, existing.petitioner_id,
                           existing.matter_group_id)
        return
    links = _links(session, letter.id)
    earlier = {link.kind: session.get(RepeatSignature, link.earlier_id) for link in reversed(links)}
    repeat_of, same_as = earlier.get("repeat"), earlier.get("same_matter")
    petitioner = repeat_of.petitioner_id if repeat_of is not None else None
    if petitioner is None:
        petitioner = store.petitioner_for(session, feats)
    if petitioner is None and feats.identity.people:
        petitioner = store.new_petitioner(session, feats, letter.id)
    if petitioner is not None:
        store.touch_petitioner(session, petitioner)
    source = repeat_of or same_as
    group = store.join_group(session, source.matter_group_id if source is not None else None, letter.id,
                             petitioner)
    store.write_letter(session, letter.id, letter.received_date, feats, petitioner, group)
    if repeat_of is not None and same_as is not None and same_as.matter_group_id is not None:
        # this person's case and another person's letters on the same matter: one matter group
        store.merge_groups(session, same_as.matter_group_id, group)


def reindex(session: Session, batch: int = 500, places: Gazetteer = NO_PLACES,
            lexicon: Lexicon | None = None) -> int:
    """Rebuild the index from every letter with text, oldest first, as if they arrived again.

    Letters that already have links keep them (a reviewer may have confirmed or rejected them); letters
    without any (registered before repeat detection ran) get their links found now. Every letter gets the
    complaint kinds of the office's `lexicon` as it is now.
    """
    store.clear(session)
    ids = list(session.scalars(select(Letter.id).where((Letter.text.is_not(None)) | (Letter.ocr_text.is_not(None)))
                               .order_by(Letter.received_date, Letter.id)))
    has_links = set(session.scalars(select(RepeatLink.letter_id).distinct()))
    for position, letter_id in enumerate(ids, 1):
        letter = session.get(Letter, letter_id)
        feats = features_of(letter, places, lexicon)
        if letter_id not in has_links:
            for decision in find_repeats(session, letter, feats, places):
                session.add(RepeatLink(letter_id=letter_id, **decision.to_link()))
            session.flush()
        index_letter(session, letter, feats)
        if position % batch == 0:
            session.flush()
            session.expunge_all()
            log.info("reindexed %d of %d letters", position, len(ids))
    session.flush()
    return len(ids)


def export_fields(session: Session, letter: Letter) -> dict:
    """`reasons` of the letter's first link and its `matter_group` (id, letters, people), for the export."""
    link = letter.repeat_link
    reasons = dict(link.reason or {}) if link is not None and link.confirmed is not False else None
    sig = session.get(RepeatSignature, letter.id)
    group = session.get(RepeatMatterGroup, sig.matter_group_id) if sig and sig.matter_group_id else None
    matter_group = ({"id": group.id, "letters": group.letter_count, "people": group.people_count}
                    if group is not None else None)
    return {"reasons": reasons, "matter_group": matter_group}

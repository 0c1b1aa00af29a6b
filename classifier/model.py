"""The router: text -> category, subcategory, purpose, department, with probabilities, reasons and flags.

The department is predicted from the text together with the (predicted) category, then checked against
the office's routing table and the 依法分类处理 rules. Contradictions are flagged in notes for the reviewer;
the model's own top choice always stays in the detail. Below the office's confidence threshold the letter
is marked "needs routing" rather than given a department that is likely wrong.

Office knowledge (classifier/knowledge.py: duties, purpose cues, 属地) is blended into the category, purpose
and department probabilities with per-head weights, and the cue phrases found are shown as the reasons. Text
that carries almost nothing a petition says (notes, a blank form, an advert) comes out as 其他, flagged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.preprocessing import OneHotEncoder

from xinfang.classifier.confidence import Confidence, evidence, rescaled_top
from xinfang.classifier.features import Featurizer
from xinfang.classifier.heads import Head, blend
from xinfang.classifier.knowledge import Knowledge
from xinfang.classifier.routing_table import Office, current_office
from xinfang.classifier.rules import RuleResult, apply_rules

HEADS = ("category", "subcategory", "purpose", "department")
WORDS_SHOWN = 8
TOP_SHOWN = 3
# The rules route a letter unless the blended suggestion (model and office knowledge, which knows the legal
# and discipline words too) is at least this sure of its own department; overriding surer suggestions
# cost department accuracy on real letters (Teddy replies), see bench/RESULTS.md.
RULE_YIELDS_BELOW = 0.5
REASONS_SHOWN = 6
DEFAULT_THRESHOLD = 0.5
OTHER = "其他"
# What a text that is not a petition gets: the 其他 label at this probability, always flagged.
NOT_PETITION_PROBABILITY = 0.2


class Router:
    """All heads over one featurizer; `suggest` gives the JSON the review page and the pipeline store."""

    def __init__(self, featurizer: Featurizer | None = None, C: float = 1.0) -> None:  # noqa: N803
        self.featurizer = featurizer or Featurizer()
        self.heads: dict[str, Head] = {}
        self.C = C
        self.category_encoder = OneHotEncoder(handle_unknown="ignore")
        self.subcategories_of: dict[str, list[str]] = {}
        self.version = "unsaved"
        self.threshold: float | None = None
        self.confidence: Confidence | None = None  # the starter's calibrated confidence (classifier/confidence.py)
        self._office: Office | None = None
        self._knowledge: Knowledge | None = None
        self._knowledge_of: Office | None = None

    # ---- training -------------------------------------------------------------------------------------
    def fit(self, docs: list[str], labels: dict[str, list[str | None]], segmented: bool = False,
            texts: Sequence[str] | None = None) -> Router:
        """Fit every head that has labels; `docs` are token strings from `featurizer.document`.

        `texts` (the letters as written, title included) let each head learn how much to trust the office's
        knowledge; without them the knowledge is not blended in.
        """
        X = self.featurizer.fit_transform(docs, segmented)  # noqa: N806
        found = self.read_cues(texts)[0] if texts is not None and not self.knowledge.empty else None
        for name in HEADS:
            y = labels.get(name)
            if not y:
                continue
            rows = [i for i, label in enumerate(y) if label]
            if not rows:
                continue
            values = [str(y[i]) for i in rows]
            features = X[rows]
            if name == "department":
                categories = labels.get("category") or [None] * len(docs)
                self.category_encoder.fit([[str(c or "")] for c in categories])
                features = self._with_category(features, [categories[i] for i in rows])
            cues = None
            if found is not None and name in ("category", "purpose", "department"):
                chosen = [found[i] for i in rows]

                def cues(classes, head=name, chosen=chosen):  # noqa: ANN001, ANN202 - a closure per head
                    return self.knowledge.scores(head, chosen, list(classes))
            self.heads[name] = Head(name, self.C).fit(features, values, cues)
        if labels.get("category") and labels.get("subcategory"):
            mapping: dict[str, set[str]] = {}
            for cat, sub in zip(labels["category"], labels["subcategory"], strict=True):
                if cat and sub:
                    mapping.setdefault(str(cat), set()).add(str(sub))
            self.subcategories_of = {cat: sorted(subs) for cat, subs in mapping.items()}
        return self

    def _with_category(self, X: csr_matrix, categories: Sequence[str | None]) -> csr_matrix:  # noqa: N803
        onehot = self.category_encoder.transform([[str(c or "")] for c in categories])
        return hstack([X, onehot], format="csr")

    # ---- sklearn-style access -------------------------------------------------------------------------
    def transform(self, texts: Sequence[str], titles: Sequence[str] | None = None,
                  segmented: bool = False) -> csr_matrix:
        return self.featurizer.transform(self.featurizer.documents(texts, titles, segmented))

    def predict_proba(self, head: str, texts: Sequence[str], titles: Sequence[str] | None = None,
                      segmented: bool = False) -> np.ndarray:
        X = self.transform(texts, titles, segmented)  # noqa: N806
        if head == "department":
            X = self._department_features(X)  # noqa: N806
        return self.heads[head].predict_proba(X)

    def predict(self, head: str, texts: Sequence[str], titles: Sequence[str] | None = None,
                segmented: bool = False) -> np.ndarray:
        proba = self.predict_proba(head, texts, titles, segmented)
        return self.heads[head].classes_[proba.argmax(axis=1)]

    def _department_features(self, X: csr_matrix) -> csr_matrix:  # noqa: N803
        categories: list[str | None] = [None] * X.shape[0]
        if "category" in self.heads:
            categories = list(self.heads["category"].predict(X))
        return self._with_category(X, categories)

    # ---- suggestions ----------------------------------------------------------------------------------
    @property
    def office(self) -> Office:
        """The office as its file is now (an administrator's edit applies without restarting the worker)."""
        return self._office if self._office is not None else current_office()

    @property
    def knowledge(self) -> Knowledge:
        """The office's cue phrases, read from the office file (edits apply without retraining or restart)."""
        office = self.office
        if self._knowledge is None or self._knowledge_of is not office:
            self._knowledge, self._knowledge_of = Knowledge.from_office(office), office
        return self._knowledge

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_office"] = state["_knowledge"] = state["_knowledge_of"] = None  # read where the model runs
        return state

    def __setstate__(self, state: dict) -> None:
        state.setdefault("confidence", None)
        state.setdefault("_knowledge", None)
        state.setdefault("_knowledge_of", None)
        self.__dict__.update(state)

    def abstain_threshold(self, configured: float | None = None) -> float:
        """The office file's threshold, else this model's, else the deployment's (Settings), else 0.5."""
        if self.office.abstain_threshold is not None:
            return self.office.abstain_threshold
        if self.threshold is not None:
            return self.threshold
        return configured if configured is not None else DEFAULT_THRESHOLD

    def suggest(self, text: str, title: str = "", place: str | None = None, threshold: float | None = None,
                threats: Sequence[str] | None = None) -> dict:
        return self.suggest_many([text], [title], [place], threshold=threshold,
                                 threats=[threats] if threats is not None else None)[0]

    def suggest_many(self, texts: Sequence[str], titles: Sequence[str] | None = None,
                     places: Sequence[str | None] | None = None, segmented: bool = False,
                     threshold: float | None = None, with_evidence: bool = False,
                     threats: Sequence[Sequence[str] | None] | None = None) -> list[dict]:
        """Suggestions for many letters at once (vectorised; used by the pipeline, evaluation and bench).

        `threshold`: the deployment's abstain threshold (Settings.abstain_threshold); the office file's wins.
        `with_evidence`: keep each head's confidence features (for fitting the confidence weights).
        `threats`: per letter, the 扬言 phrases the pipeline already read in it with the office's words (its
        urgency field), which the urgent rule takes as they are; None (or a None entry) reads them here.
        """
        titles = list(titles) if titles else [""] * len(texts)
        places = list(places) if places else [None] * len(texts)
        X = self.transform(texts, titles, segmented)  # noqa: N806
        knowledge = self.knowledge
        found, rules = self.read_cues([f"{title}\n{text}" for text, title in zip(texts, titles, strict=True)], threats)
        parts = {name: self._parts(head, X, found) for name, head in self.heads.items() if name != "department"}
        probas = {name: part[0] for name, part in parts.items()}
        petition = [knowledge.is_petition(f"{title}\n{text}", hits)
                    for text, title, hits in zip(texts, titles, found, strict=True)]
        cats = self._top_labels("category", probas, X.shape[0])
        XD = self._with_category(X, cats) if "department" in self.heads else None  # noqa: N806
        if XD is not None:
            parts["department"] = self._parts(self.heads["department"], XD, found)
            probas["department"] = parts["department"][0]
        limit = self.abstain_threshold(threshold)
        out = [self._one(i, X, XD, probas, places[i], found[i], rules[i], petition[i], limit, parts, with_evidence)
               for i in range(len(texts))]
        return out

    def read_cues(self, letters: Sequence[str], threats: Sequence[Sequence[str] | None] | None = None
                  ) -> tuple[list[dict], list[RuleResult]]:
        """The office knowledge's cue phrases in each letter (title and text), with the rules that fired
        (`threats`: see `suggest_many`)."""
        words = self.office.rule_words
        said = list(threats) if threats is not None else [None] * len(letters)
        rules = [apply_rules(letter, words, mine) for letter, mine in zip(letters, said, strict=True)]
        knowledge = self.knowledge
        return [knowledge.found(letter, r) for letter, r in zip(letters, rules, strict=True)], rules

    def _proba(self, head: Head, X: csr_matrix, found: list[dict]) -> np.ndarray:  # noqa: N803
        return self._parts(head, X, found)[0]

    def _parts(self, head: Head, X: csr_matrix, found: list[dict]  # noqa: N803
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Blended probabilities, the learned model's alone, and the knowledge's cue scores (rows x classes)."""
        if head.svc is None:
            ones = np.ones((X.shape[0], 1))
            return ones, ones, None
        cues = None
        if head.name in ("category", "purpose", "department") and not self.knowledge.empty:
            cues = self.knowledge.scores(head.name, found, list(head.classes_))
        scores = head.decision_function(X)
        weight = getattr(head, "knowledge_weight", 0.0)
        model = blend(scores, head.scale, None, 0.0)
        return (blend(scores, head.scale, cues, weight) if weight and cues is not None else model), model, cues

    def _top_labels(self, name: str, probas: dict[str, np.ndarray], n: int) -> list[str | None]:
        if name not in probas:  # e.g. a model trained on department labels only
            return [None] * n
        return list(self.heads[name].classes_[probas[name].argmax(axis=1)])

    def _head(self, name: str, i: int, X: csr_matrix, probas: dict[str, np.ndarray]) -> dict:  # noqa: N803
        head = self.heads[name]
        p = probas[name][i]
        best = int(p.argmax())
        order = np.argsort(-p)[:TOP_SHOWN]
        return {"label": str(head.classes_[best]), "probability": round(float(p[best]), 4),
                "words": self._words(head, X, i, best),
                "top": [[str(head.classes_[k]), round(float(p[k]), 4)] for k in order]}

    def _words(self, head: Head, X: csr_matrix, i: int, class_index: int) -> list[list]:  # noqa: N803
        """The words of letter i that pushed it most towards the class (row i read without slicing X)."""
        row = slice(X.indptr[i], X.indptr[i + 1])
        found = head.row_contributions(X.indices[row], X.data[row], class_index, WORDS_SHOWN,
                                       below=self.featurizer.n_word_features)
        return [[self.featurizer.word_name(j), round(w, 4)] for j, w in found]

    def _subcategory(self, i: int, category: str | None, probas: dict[str, np.ndarray]) -> dict:
        head = self.heads["subcategory"]
        p = probas["subcategory"][i].copy()
        allowed = set(self.subcategories_of.get(category or "", [])) | set(
            self.office.subcategories.get(category or "", []))
        mask = np.array([c in allowed for c in head.classes_])
        if mask.any():
            p = np.where(mask, p, 0.0)
            p = p / p.sum() if p.sum() > 0 else mask / mask.sum()
        best = int(p.argmax())
        return {"label": str(head.classes_[best]), "probability": round(float(p[best]), 4)}

    def _one(self, i: int, X: csr_matrix, XD: csr_matrix | None, probas: dict[str, np.ndarray], place: str | None,  # noqa: N803
             found: dict, rules: RuleResult, petition: bool, threshold: float, parts: dict,
             with_evidence: bool = False) -> dict:
        result: dict = {}
        if "category" in self.heads:
            result["category"] = self._head("category", i, X, probas)
        category = result.get("category", {}).get("label")
        if "subcategory" in self.heads:
            result["subcategory"] = self._subcategory(i, category, probas)
        if "purpose" in self.heads:
            purpose = self._head("purpose", i, X, probas)
            result["purpose"] = {k: purpose[k] for k in ("label", "probability", "words", "top")}
        notes = list(rules.notes)
        if XD is not None:
            result["department"] = self._department(i, XD, probas, category, place, rules, notes)
            self._discipline_category(result, rules, notes)
        for name in ("category", "purpose", "department"):
            if name in result:
                result[name]["reasons"] = found.get(name, {}).get(result[name]["label"], [])[:REASONS_SHOWN]
                self._confidence(name, result[name], i, parts[name], with_evidence,
                                 bool(result.get("department", {}).get("table_ok", True)))
        if not petition:
            self._not_a_petition(result, notes)
        shaky = [name for name in ("category", "department")
                 if name in result and result[name]["probability"] < threshold]
        if shaky and petition:
            notes.append(f"置信度低于本单位设定的 {threshold:.2f}（{'、'.join(_HEAD_NAMES[n] for n in shaky)}），"
                         "请人工分流。")
        result["flags"] = {"needs_routing": bool(shaky) or not petition, "urgent": rules.urgent,
                           "legal": rules.legal, "discipline": rules.discipline, "not_petition": not petition,
                           "notes": notes}
        result["model_version"] = self.version
        return result

    def _confidence(self, name: str, shown: dict, i: int, part: tuple, with_evidence: bool,
                    table_ok: bool = True) -> None:
        """The probability shown, from the suggestion's evidence (classifier/confidence.py), when calibrated."""
        blended, model, cues = part
        classes = list(self.heads[name].classes_)
        if shown["label"] not in classes or (self.confidence is None and not with_evidence):
            return
        k = classes.index(shown["label"])
        row = cues[i] if cues is not None else None
        features = evidence(blended[i], model[i], row, k, bool(shown.get("rule")), table_ok)
        if with_evidence:
            shown["evidence"] = features
        if self.confidence is not None:
            old = float(blended[i][k])
            new = self.confidence.probability(name, features, old)
            shown["probability"] = round(new, 4)
            if "top" in shown:
                shown["top"] = rescaled_top(shown["top"], shown["label"], old, new)

    def _discipline_category(self, result: dict, rules: RuleResult, notes: list[str]) -> None:
        """A misconduct report the 纪检 rule sends to the discipline unit is a 纪检监察 matter, whatever its area."""
        office = self.office
        wanted = office.discipline_category
        category = result.get("category")
        if (not rules.discipline or category is None or category["label"] == wanted
                or result["department"]["label"] != office.discipline_unit
                or wanted not in self.heads["category"].classes_):
            return
        notes.append(f"纪检监察规则：内容分类由「{category['label']}」改为「{wanted}」。")
        category.update({"label": wanted, "model_label": category["label"], "rule": "纪检监察",
                         "probability": result["department"]["probability"]})

    def _not_a_petition(self, result: dict, notes: list[str]) -> None:
        """Notes, a form, an advert: 其他 at a low probability instead of a confident department."""
        for name in ("category", "purpose", "subcategory"):
            if name in result:
                classes = [str(c) for c in self.heads[name].classes_]
                label = OTHER if OTHER in classes else result[name]["label"]
                result[name].update({"label": label, "probability": NOT_PETITION_PROBABILITY})
                result[name].pop("top", None)
                if "words" in result[name]:
                    result[name]["words"] = []
                if "reasons" in result[name]:
                    result[name]["reasons"] = []
        if "department" in result:
            result["department"]["probability"] = min(result["department"]["probability"], NOT_PETITION_PROBABILITY)
            result["department"].pop("top", None)
        notes.append("这份材料几乎没有信访件的用语（反映、要求、单位、地点等），可能不是信访件（空白表格、笔记、广告），请人工判断。")

    def _department(self, i: int, XD: csr_matrix, probas: dict[str, np.ndarray], category: str | None,  # noqa: N803
                    place: str | None, rules, notes: list[str]) -> dict:  # noqa: ANN001
        head = self.heads["department"]
        found = self._head("department", i, XD, probas)
        p = probas["department"][i]
        model_label = found["label"]
        label = model_label
        office = self.office
        by_rule = rule_label = None
        confident = found["probability"] >= RULE_YIELDS_BELOW
        if rules.discipline and label != office.discipline_unit:
            by_rule, rule_label = "纪检监察", office.discipline_unit
        elif rules.legal and not rules.discipline and label not in office.legal_units:
            candidates = [(float(p[k]), str(c)) for k, c in enumerate(head.classes_) if c in office.legal_units]
            by_rule, rule_label = "涉法涉诉", max(candidates)[1] if candidates else office.legal_units[0]
        if by_rule and confident:  # a confident model is not overridden; the conflict is shown instead
            notes.append(f"{by_rule}规则提示应转「{rule_label}」，但模型确信为「{label}」"
                         f"（{found['probability']:.2f}），请核对。")
            by_rule = None
        elif by_rule:
            label = rule_label
        if by_rule:
            notes.append(f"按{by_rule}规则改为「{label}」；模型原建议「{model_label}」（{found['probability']:.2f}）。")
            index = list(head.classes_).index(label) if label in head.classes_ else None
            found["probability"] = round(float(p[index]), 4) if index is not None else 0.0
            found["words"] = self._words(head, XD, i, index) if index is not None else []
        table_ok = (office.table_allows(category, label, place) or by_rule is not None
                    or (rules.discipline and label == office.discipline_unit)
                    or (rules.legal and label in office.legal_units))
        if not table_ok:
            usual = "、".join(office.usual_departments(category)) or "（路由表未列）"
            notes.append(f"建议的责任单位「{label}」不在路由表中「{category}」的常用单位（{usual}）之列，请核对。")
        if place and label == office.township_unit:
            notes.append(f"属地管理：转{office.full_name(label, place)}。")
        found.update({"label": label, "model_label": model_label, "table_ok": bool(table_ok), "rule": by_rule})
        return found


_HEAD_NAMES = {"category": "内容分类", "department": "责任单位"}

"""The router's suggestions: shape, probabilities, explanations, abstention, office data, model files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from xinfang.classifier.persist import META_FILE, ModelMismatchError, load_model
from xinfang.classifier.routing_table import load_office
from xinfang.classifier.training import train_from_records

HANDMADE = [
    {"text": "小区楼下的烧烤店油烟太大，晚上噪音扰民，请环保部门处理。", "category": "环境保护",
     "purpose": "求决", "department": "生态环境局"},
    {"text": "工厂夜里排放污水到河里，河水发黑发臭，鱼都死了。", "category": "环境保护",
     "purpose": "求决", "department": "生态环境局"},
    {"text": "老板拖欠我们农民工工资三个月，多次讨要未果。", "category": "劳动和社会保障",
     "purpose": "求决", "department": "人社局"},
    {"text": "单位没有给我缴纳社会保险，退休后养老金领不到。", "category": "劳动和社会保障",
     "purpose": "求决", "department": "人社局"},
] * 3


@pytest.fixture(scope="module")
def model(starter_model_dir: Path) -> object:
    return load_model(starter_model_dir)


@pytest.fixture(scope="module")
def sample():  # noqa: ANN201
    from xinfang.samples.generate import generate_letters

    return generate_letters(40, 99)


def test_suggestion_has_the_agreed_shape(model: object, sample: list[dict], starter_model_dir: Path) -> None:
    result = model.suggest(sample[0]["text"], title="", place=sample[0]["township"])
    json.dumps(result)  # stored as JSON in suggestions.detail
    office = load_office()
    for head in ("category", "purpose", "department"):
        part = result[head]
        assert 0.0 <= part["probability"] <= 1.0
        assert part["words"] and all(isinstance(w, str) and weight > 0 for w, weight in part["words"])
    assert result["category"]["label"] in office.categories
    tops = [p for _, p in result["category"]["top"]]
    assert tops == sorted(tops, reverse=True) and tops[0] == result["category"]["probability"]
    assert result["subcategory"]["label"] in office.subcategories[result["category"]["label"]]
    assert isinstance(result["department"]["table_ok"], bool)
    assert set(result["flags"]) == {"needs_routing", "urgent", "legal", "discipline", "not_petition", "notes"}
    assert all(isinstance(result[h]["reasons"], list) for h in ("category", "purpose", "department"))
    meta = json.loads((starter_model_dir / META_FILE).read_text())
    assert result["model_version"] == meta["version"]


def test_batch_equals_single(model: object, sample: list[dict]) -> None:
    texts = [r["text"] for r in sample[:5]]
    many = model.suggest_many(texts)
    assert [m["department"]["label"] for m in many] == [model.suggest(t)["department"]["label"] for t in texts]


def test_suggestions_are_mostly_right_on_new_letters(model: object, sample: list[dict]) -> None:
    got = model.suggest_many([r["text"] for r in sample], places=[r["township"] for r in sample])
    right = sum(g["category"]["label"] == r["category"] for g, r in zip(got, sample, strict=True))
    assert right / len(sample) >= 0.8


def test_abstains_below_the_office_threshold(model: object, sample: list[dict]) -> None:
    model.threshold = 1.01
    try:
        result = model.suggest(sample[1]["text"])
    finally:
        model.threshold = None
    assert result["flags"]["needs_routing"] is True
    assert any("人工分流" in note for note in result["flags"]["notes"])
    model.threshold = 0.0
    try:
        assert model.suggest(sample[1]["text"])["flags"]["needs_routing"] is False
    finally:
        model.threshold = None


def test_table_contradiction_is_flagged_not_overridden(model: object) -> None:
    office = load_office()
    # A letter about wages, suggested under a category whose usual departments do not include 人社局
    assert not office.table_allows("环境保护", "人社局")
    assert office.table_allows("农村农业", "乡镇人民政府") and office.table_allows("环境保护", "乡镇人民政府", "柳林镇")


def test_one_class_head_and_tiny_data_train(tmp_path: Path) -> None:
    metrics = train_from_records(HANDMADE, tmp_path / "m")
    model = load_model(tmp_path / "m")
    result = model.suggest("河里有工厂排的污水，发臭")
    assert result["purpose"] == {**result["purpose"], "label": "求决", "probability": 1.0}
    assert result["category"]["label"] == "环境保护"
    assert "subcategory" not in result  # no record had one
    assert metrics["version"] == result["model_version"]


def test_office_file_overrides_the_starter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    starter = load_office()
    assert "国土资源" in starter.categories and "纪委监委" in starter.departments
    own = {"name": "某市信访局", "purposes": ["求决", "咨询"], "abstain_threshold": 0.7,
           "categories": {"自然资源": {"subcategories": ["土地征收"], "departments": ["自然资源和规划局"]}},
           "departments": {"自然资源和规划局": {"full_name": "某市自然资源和规划局"}}}
    (tmp_path / "office.json").write_text(json.dumps(own, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("XINFANG_DATA_DIR", str(tmp_path))
    office = load_office()
    assert list(office.categories) == ["自然资源"] and office.departments == own["departments"]
    assert office.abstain_threshold == 0.7 and office.usual_departments("自然资源") == ["自然资源和规划局"]


def test_model_from_other_library_versions_is_refused(starter_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "old"
    shutil.copytree(starter_model_dir, copy)
    meta = json.loads((copy / META_FILE).read_text())
    meta["libraries"]["scikit-learn"] = "0.24.2"
    (copy / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelMismatchError) as caught:
        load_model(copy)
    assert "scikit-learn" in str(caught.value) and "0.24.2" in str(caught.value)
    assert "retrain" in str(caught.value)


def test_replaced_model_file_is_refused(starter_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tampered"
    shutil.copytree(starter_model_dir, copy)
    with (copy / "model.joblib").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelMismatchError, match="校验和"):
        load_model(copy)


def test_stage_reports_mismatch_as_model_error(starter_model_dir: Path, tmp_path: Path) -> None:
    from tests.conftest import make_settings
    from xinfang.core.errors import ModelError
    from xinfang.intake.stages import current_model

    settings = make_settings(tmp_path / "var")
    shutil.copytree(starter_model_dir, settings.model_dir)
    meta = json.loads((settings.model_dir / META_FILE).read_text())
    meta["libraries"]["numpy"] = "1.0.0"
    (settings.model_dir / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="numpy"):
        current_model(settings)


EDGE_TEXTS = ["", " ", "a", "的", "abc DEF 123", "\r\n信访\r\n", "我叫李华，电话13800138000。", "C++与C#和.NET 3.5%-10%",
              "\u3000\u3000尊敬的领导：", "😀表情😀", "\ud800坏字符", "越级上访涉法涉诉吃拿卡要", "柳林镇村委会　换届"]


def test_fast_segmentation_equals_jieba(sample: list[dict]) -> None:
    import jieba

    from xinfang.classifier.segment import _plain, _prepare_jieba, cut

    _prepare_jieba()
    texts = [r["text"] for r in sample] + EDGE_TEXTS
    for tokenizer in (_plain(), jieba.dt):  # stock dictionary, and ours with the 信访 words
        for text in texts:
            assert cut(tokenizer, text) == tokenizer.lcut(text), text


def test_features_equal_scikit_learn_tfidf(sample: list[dict]) -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from xinfang.classifier.features import Featurizer

    featurizer = Featurizer(title_weight=1)
    docs = featurizer.documents([r["text"] for r in sample[:30]]) + [
        "", "a", "村 委会 a1 b2c3 长长长长长长的词", "😀 表情 x"]
    X = featurizer.fit_transform(docs)  # noqa: N806
    new = featurizer.documents([r["text"] for r in sample[30:]]) + ["", "未见 的 词 和 字 😀", "\ud800 坏"]
    Y = featurizer.transform(new)  # noqa: N806
    words = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2),
                            sublinear_tf=True).fit(docs)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=False, sublinear_tf=True,
                            min_df=2).fit(docs)
    n_words = featurizer.n_word_features
    assert n_words == len(words.vocabulary_) and X.shape[1] - n_words == len(chars.vocabulary_)
    word_columns = [words.vocabulary_[featurizer.word_name(j)] for j in range(n_words)]
    char_columns = [chars.vocabulary_[featurizer.char_name(j)] for j in range(X.shape[1] - n_words)]
    for ours, texts in ((X, docs), (Y, new)):
        expected = np.hstack([words.transform(texts).toarray()[:, word_columns],
                              chars.transform(texts).toarray()[:, char_columns]])
        assert np.allclose(ours.toarray(), expected, atol=1e-12)


def test_explanations_name_words_of_the_letter(model: object, sample: list[dict]) -> None:
    for record in sample[:10]:
        result = model.suggest(record["text"])
        for head in ("category", "purpose", "department"):
            assert all(part in record["text"] for word, _ in result[head]["words"] for part in word.split())


def test_model_from_an_older_layout_is_refused(starter_model_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "layout"
    shutil.copytree(starter_model_dir, copy)
    meta = json.loads((copy / META_FILE).read_text())
    del meta["libraries"]["model-format"]  # as written before the n-gram codes
    (copy / META_FILE).write_text(json.dumps(meta))
    with pytest.raises(ModelMismatchError, match="model-format"):
        load_model(copy)

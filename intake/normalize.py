"""Clean OCR text into the text every later stage reads (Letter.text); the raw OCR text is kept apart.

Why each step exists:
- Full-width digits and Latin letters (１２３, ＡＢ) come from Chinese input methods and some OCR engines;
  the field extractors and the classifier want one form, so we fold them to ASCII.
- ASCII punctuation between Chinese characters (``,`` ``:`` ``;``) is OCR noise; we fold it to the
  full-width form a Chinese letter uses, so cue phrases like ``电话：`` match one way.
- Tesseract puts spaces between CJK characters; Chinese has no spaces between words, so we drop them
  (spaces between digits are kept: phone numbers are often written in groups).
- O/o/l/I inside a run of digits are read-errors for 0/1; 干/千 after a digit (3干元), 己经/自已, and 曰 after
  a day number are the usual Chinese confusions.
- Lines broken inside a sentence (page width, not the writer) are joined, but short lines (signature
  block, salutation, numbered demands) are kept, because extractors rely on them.
"""

from __future__ import annotations

import re

_FULL = "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ"
_HALF = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_WIDTH = str.maketrans(_FULL + "\u3000．－／", _HALF + " .-/")

CJK = "\u4e00-\u9fff\u3007"
_CJK_PUNCT = "，。：；！？、（）“”《》"
_ASCII_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}

_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{CJK}{_CJK_PUNCT}])[ \t]+(?=[{CJK}{_CJK_PUNCT}])")
_SPACE_CJK_DIGIT = re.compile(rf"(?<=[{CJK}：])[ \t]+(?=\d)|(?<=\d)[ \t]+(?=[{CJK}])")
_ASCII_PUNCT_NEAR_CJK = re.compile(rf"(?<=[{CJK}])[ \t]*([,:;?!])[ \t]*|[ \t]*([,:;?!])[ \t]*(?=[{CJK}])"
                                   rf"|(?<=[{CJK}])\(|\((?=[{CJK}])|(?<=[{CJK}])\)|\)(?=[{CJK}{_CJK_PUNCT}])")
_LOOKALIKE_IN_DIGITS = re.compile(r"(?<![A-Za-z])[OoDQlI|](?=[\dOolI|]*\d)(?![A-Za-z]{2})"
                                  r"|(?<=\d)[OolI|]+(?![A-Za-z])|(?<=\d)[OolI|](?=[OolI|]*\d)"
                                  r"|(?<=[\d年月.\-/])[OolI](?![A-Za-z])|(?<=[\d年月.\-/] )[OolI](?![A-Za-z])"
                                  r"|(?<![A-Za-z])[OolI](?= ?[\d日号月年.\-/])")
_LOOKALIKE_DIGIT = str.maketrans("OoDQlI|", "0000111")
_SPACE_IN_DIGITS = re.compile(r"(?<=\d) (?=\d)")
_DASH_IN_DIGITS = re.compile(r"(?<=\d) ?[-—－] ?(?=\d)")
_WORD_FIXES = (
    (re.compile(r"(?<=[\d十百两一二三四五六七八九])干(?=[元块万亩])"), "千"),
    (re.compile(r"己经"), "已经"), (re.compile(r"自已"), "自己"), (re.compile(r"早己"), "早已"),
    (re.compile(r"(?<=[\d十一二三四五六七八九])曰"), "日"),
    (re.compile(r"身份证[号弓]码?"), lambda m: m.group(0).replace("弓", "号")),
)
_SENTENCE_END = tuple("。！？：；…”』」）)") + ("敬礼",)
_LIST_START = re.compile(r"^\s*(?:[\d一二三四五六七八九十]+[、.．）)]|[（(][\d一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+[，、]"
                         r"|此致|敬礼|具名|署名|信访人|反映人|来信人|举报人|检举人|申诉人|联名|身份证|公民身份|电话|手机|联系"
                         r"|住址|\d{2,4}[年.\-/]|[〇零一二三四五六七八九]{4}年)")
_DATE_START = re.compile(r"\d{2,4}\s*[年.\-/]")
JOIN_MIN_LINE = 18


def _fold(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_WIDTH)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    text = _SPACE_CJK_DIGIT.sub("", text)
    text = _ASCII_PUNCT_NEAR_CJK.sub(lambda m: _ASCII_TO_FULL[m.group(0).strip(" \t")], text)
    for _ in range(2):  # 1O0l: overlapping look-alikes need a second pass
        text = _LOOKALIKE_IN_DIGITS.sub(lambda m: m.group(0).translate(_LOOKALIKE_DIGIT), text)
    text = _SPACE_IN_DIGITS.sub("", _DASH_IN_DIGITS.sub("-", text))
    for pattern, repl in _WORD_FIXES:
        text = pattern.sub(repl, text)
    return text


def _join_lines(lines: list[str]) -> list[str]:
    """Join a line to the previous one when the previous looks cut by the page edge, not by the writer."""
    out: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        prev = out[-1] if out else ""
        cut_number = (prev[-1:].isdigit() and line[:1].isdigit() and not _DATE_START.match(line)
                      and len(re.search(r"\d+$", prev).group(0)) not in (11, 18))
        if (prev and len(prev) >= JOIN_MIN_LINE and not prev.endswith(_SENTENCE_END)
                and (cut_number or not _LIST_START.match(line)) and re.match(rf"[{CJK}，、。：\d]", line)):
            out[-1] = prev + line
        else:
            out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out


def normalize_text(ocr_text: str) -> str:
    """Letter.text from OCR text: folded widths, fixed look-alikes, no stray spaces, sentences rejoined."""
    if not ocr_text:
        return ""
    folded = _fold(ocr_text)
    lines = [re.sub(r"[ \t]{2,}", " ", ln) for ln in folded.split("\n")]
    return "\n".join(_join_lines(lines)).strip()

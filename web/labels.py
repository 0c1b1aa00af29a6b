"""Words a person reads instead of data: roles, audit events and field values in Chinese.

The letter page showed `incident_dates`, `null`, `["\\u946b…"]` and `viewed {...}`; everything shown to a
user goes through these functions, so an empty value shows nothing and a list reads as a list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ROLE_LABELS = {"clerk": "登记员", "reviewer": "审核员", "supervisor": "主管", "admin": "管理员"}
HEAD_WORDS = {"category": "内容分类", "subcategory": "二级分类", "purpose": "信访目的", "department": "责任单位",
              "repeat_of": "重复件"}
STATUS_WORDS = {"received": "已接收", "queued": "排队中", "processing": "识别中", "review": "待审核",
                "confirmed": "已确认", "failed": "处理失败"}
EVENT_LABELS = {
    "received": "接收", "status": "状态变更", "suggested": "模型建议", "repeat_found": "发现疑似重复", "viewed": "查看",
    "view_denied": "拒绝查看", "reviewed": "审核", "rescan_requested": "退回重扫", "retry": "重试", "failed": "处理失败",
    "split": "分拆", "requeued": "重新排队", "duplicate_upload": "重复上传", "classify_skipped": "未分类",
    "review_undone": "撤销确认", "reopened": "重新打开", "login": "登录", "user_added": "添加用户",
    "user_changed": "修改用户", "password_reset": "重置密码", "office_edited": "修改办公室数据",
    "text_corrected": "更正识别文字", "token_created": "创建 API 令牌",
}
DETAIL_WORDS = {
    "original_name": "文件", "reason": "原因", "stage": "环节", "model_version": "模型", "score": "相似度",
    "earlier_id": "前件", "letters": "信件", "pages": "页", "split_from": "分自", "via": "方式", "size": "大小",
    "section": "部分", "document": "文件", "username": "用户名", "role": "角色", "unit": "单位", "active": "启用",
    "display_name": "姓名",
}
_HIDDEN_DETAIL = {"sha256", "media_type", "job_id", "stages", "attempt", "target", "kind", "decision", "before",
                  "after", "status", "category", "purpose", "department"}


def pages_label(numbers: list[int] | None) -> str:
    """0-based page indices as a person counts them: 第 3–5 页, 第 1、4 页."""
    if not numbers:
        return ""
    shown = sorted(int(n) + 1 for n in numbers)
    if shown == list(range(shown[0], shown[-1] + 1)):
        return f"第 {shown[0]} 页" if len(shown) == 1 else f"第 {shown[0]}–{shown[-1]} 页"
    return f"第 {'、'.join(map(str, shown))} 页"


def plain(value: Any) -> str:
    """Any stored value as text: nothing for empty, 是/否 for booleans, lists joined with 、."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return "、".join(p for p in (plain(v) for v in value) if p)
    if isinstance(value, dict):
        return "，".join(f"{DETAIL_WORDS.get(k, k)} {plain(v)}" for k, v in value.items() if plain(v))
    return str(value)


def field_text(key: str, value: Any, shown: Callable[[str, object], object]) -> str:
    """A field's value as the desk shows it (masked as the user's role requires)."""
    if key == "cosigners" and isinstance(value, list):
        people = []
        for person in value:
            if not isinstance(person, dict):
                people.append(plain(person))
                continue
            extra = [f"身份证 {shown('id_number', person['id_number'])}" if person.get("id_number") else "",
                     f"电话 {shown('phone', person['phone'])}" if person.get("phone") else ""]
            extra = [e for e in extra if e]
            people.append(str(person.get("name", "")) + (f"（{'，'.join(extra)}）" if extra else ""))
        return "、".join(p for p in people if p)
    if key == "amounts" and isinstance(value, list):
        return "、".join(f"{plain(v)} 元" for v in value if v is not None)
    if key == "urgency" and isinstance(value, bool):
        return "有扬言或过激表述" if value else ""
    if key in ("cosigner_count",) and not value:
        return ""
    if isinstance(value, str):
        return str(shown(key, value) or "")
    return plain(value)


@dataclass
class EventView:
    at: str
    action: str
    label: str
    user: str
    text: str


def _change(before: dict, after: dict, shown: Callable[[str, object], object]) -> list[str]:
    parts = []
    for head in ("category", "purpose", "department"):
        old, new = before.get(head), after.get(head)
        if head in after:
            parts.append(f"{HEAD_WORDS[head]} {new}" if old == new else f"{HEAD_WORDS[head]} {old or '—'} → {new or '—'}")
    if "repeat_of" in after or "repeat_of" in before:
        new = after.get("repeat_of")
        parts.append(f"是 #{new} 的重复件" if new else "不是重复件")
    for key, new in (after.get("fields") or {}).items():
        old = (before.get("fields") or {}).get(key)
        parts.append(f"更正{FIELD_WORDS.get(key, key)}：{field_text(key, old, shown) or '—'} → "
                     f"{field_text(key, new, shown) or '—'}")
    return parts


FIELD_WORDS = {
    "name": "信访人", "id_number": "身份证号", "phone": "联系电话", "address": "住址", "township": "乡镇/街道",
    "village": "村/社区", "cosigners": "联名人", "cosigner_count": "签名人数", "accused": "被反映对象",
    "date_written": "写信日期", "incident_dates": "事发日期", "addressee": "收信单位", "amounts": "涉及金额",
    "urgency": "扬言", "anonymous": "匿名", "matter": "反映问题", "demand": "诉求",
}


def event_view(event: Any, names: dict[int, str], shown: Callable[[str, object], object]) -> EventView:
    """One audit row: when, what (in Chinese), who, and the details a person needs."""
    detail = dict(event.detail or {})
    action = event.action
    text = ""
    if action == "status":
        text = f"→ {STATUS_WORDS.get(str(detail.get('status')), detail.get('status'))}"
    elif action == "suggested":
        text = " / ".join(str(detail.get(h) or "—") for h in ("category", "purpose", "department"))
        text += f"（模型 {detail.get('model_version')}）" if detail.get("model_version") else ""
    elif action == "repeat_found":
        kind = "重复信访" if detail.get("kind") == "repeat" else "同一事项"
        score = detail.get("score")
        text = f"{kind}：#{detail.get('earlier_id')}" + (f"，相似度 {100 * float(score):.0f}%" if score else "")
    elif action == "reviewed":
        verb = "更正后确认" if detail.get("decision") == "correct" else "确认建议"
        text = verb + "：" + "；".join(_change(detail.get("before") or {}, detail.get("after") or {}, shown))
    elif action == "received" and detail.get("split_from"):
        pages = detail.get("pages") or []
        text = f"从 #{detail['split_from']} 分出" + (f"（原件{pages_label(pages)}）" if pages else "")
    elif action == "split":
        text = "分为 " + "、".join(f"#{n}" for n in detail.get("letters") or [])
    elif action == "reopened":
        was = detail.get("confirmed") or {}
        text = f"原因：{detail.get('reason') or '—'}" + (
            f"（原结论 {' / '.join(str(was.get(h) or '—') for h in ('category', 'purpose', 'department'))}）" if was else "")
    elif action == "review_undone":
        text = "确认已撤销，回到待审队列"
    elif action == "viewed":
        text = "通过 API" if detail.get("via") == "api" else ""
    else:
        text = "，".join(f"{DETAIL_WORDS.get(k, k)} {plain(v)}" for k, v in detail.items()
                        if k not in _HIDDEN_DETAIL and plain(v))
    user = names.get(event.user_id, "") if event.user_id else "系统"
    return EventView(event.at.strftime("%Y-%m-%d %H:%M:%S"), action, EVENT_LABELS.get(action, action), user, text)

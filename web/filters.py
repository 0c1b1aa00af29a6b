"""Template filters: labels in Chinese for statuses, stages and roles, percentages."""

from __future__ import annotations

from flask import Flask

from xinfang.web.access import shown_field
from xinfang.web.labels import ROLE_LABELS, pages_label

STATUS_LABELS = {
    "received": "已接收", "queued": "排队中", "processing": "识别中", "review": "待审核",
    "confirmed": "已确认", "failed": "处理失败",
}
STAGE_LABELS = {
    "read": "读取文件", "ocr": "文字识别", "split": "分拆信件", "fields": "要素提取", "classify": "分类",
    "repeats": "重复件比对", "setup": "系统配置", "review": "审核退回", "start": "开始", "internal": "内部",
    "worker": "处理进程",
}


def register_filters(app: Flask) -> None:
    app.add_template_filter(lambda s: STATUS_LABELS.get(str(s), str(s)), "status_label")
    app.add_template_filter(lambda s: STAGE_LABELS.get(str(s), str(s)), "stage_label")
    app.add_template_filter(lambda p: "" if p is None else f"{100 * float(p):.0f}%", "pct")
    app.add_template_filter(lambda r: ROLE_LABELS.get(str(r), str(r)), "role_label")
    app.add_template_filter(pages_label, "pages_label")

    app.add_template_global(shown_field, "shown_field")

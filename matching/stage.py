"""What the earlier case's handling stage means for a repeat letter (信访工作条例 2022)."""

from __future__ import annotations

HANDLING = ("登记", "分流", "转送", "交办", "受理", "办理", "调查", "延期", "复查")
CLOSED = ("办结", "答复", "处理意见", "归档", "终结", "结案")
LOWER_LEVEL = ("乡镇", "街道", "镇", "乡", "村")


def implication(stage: str | None, earlier_id: int, kind: str) -> str | None:
    """A clerk's instruction for this letter, from the stage the office recorded on the earlier case.

    Same-matter letters from other people are accepted as their own cases, so they get no instruction
    beyond the group (the 集体/热点 signal is shown with the group).
    """
    if kind != "repeat":
        return None
    case = f"前案 #{earlier_id}"
    if not stage:
        return f"{case} 未记录办理阶段：请核实前案进度；如仍在办理，本件并入前案，不重复受理。"
    if "复核" in stage:
        return f"{case} 已经复核（{stage}）：同一事项不再受理，书面告知信访人。"
    if any(word in stage for word in LOWER_LEVEL) and not any(word in stage for word in CLOSED):
        return (f"越级：{case} 正由下级办理（{stage}），本件为越级重复信访：不予受理，"
                "引导信访人向前案办理机关反映并督促其办理。")
    if any(word in stage for word in CLOSED):
        return (f"{case} 已办结（{stage}）：本件不作新件受理；信访人不服处理意见的，"
                "告知其可在收到意见书之日起30日内申请复查。")
    if any(word in stage for word in HANDLING):
        return f"{case} 正在{stage}：本件为重复信访，不予重复受理，并入前案办理，告知信访人前案进度。"
    return f"{case} 阶段为“{stage}”：请按前案进度处理，本件不作新件受理。"

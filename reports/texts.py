"""The report's words in English and Simplified Chinese, and picking one side of a "en / 中文" text."""

from __future__ import annotations

import re

LANGUAGES = ("zh", "en")

_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Vehicle health report", "车辆健康报告"),
    "issued": ("Issued", "出具日期"),
    "version": ("Version", "版本"),
    "scan_qr": ("Scan for the online copy", "扫码查看在线报告"),
    "work_order": ("Work order", "工单"),
    "vehicle": ("Vehicle", "车辆"),
    "customer": ("Customer", "客户"),
    "number": ("Number", "编号"),
    "bay": ("Bay", "工位"),
    "complaint": ("Your concern", "您反映的问题"),
    "checked_in": ("Checked in", "接车时间"),
    "vin": ("VIN", "车架号 (VIN)"),
    "plate": ("Plate", "车牌"),
    "model": ("Model", "车型"),
    "powertrain": ("Powertrain", "动力类型"),
    "mileage": ("Mileage", "里程"),
    "name": ("Name", "姓名"),
    "phone": ("Phone", "电话"),
    "summary": ("Summary", "检查概要"),
    "green": ("good", "良好"),
    "amber": ("watch soon", "近期关注"),
    "red": ("needs attention now", "需立即处理"),
    "items_checked": ("items checked", "个检查项目"),
    "work_done": ("Work done", "已完成的工作"),
    "booked": ("booked", "预约项目"),
    "extra": ("extra, approved by you", "追加项目（经您批准）"),
    "before": ("Before", "维修前"),
    "after": ("After", "维修后"),
    "no_work": ("No work was done on this visit.", "本次未进行维修工作。"),
    "findings": ("Findings and recommendations", "检查发现与建议"),
    "finding": ("Finding", "发现"),
    "measured": ("Measured", "测量值"),
    "meaning": ("What it means", "说明"),
    "action": ("Recommended action", "建议措施"),
    "price": ("Price", "价格"),
    "state": ("Your decision", "您的决定"),
    "approved": ("approved", "已批准"),
    "declined": ("declined", "已拒绝"),
    "pending": ("not decided yet", "待决定"),
    "urgent": ("Safety: should be fixed now.", "涉及安全，建议立即处理。"),
    "soon": ("Wearing: plan the repair soon.", "磨损件，建议近期安排维修。"),
    "advisory": ("For your information.", "供您参考。"),
    "life_left": ("about {km} km left", "约可再行驶 {km} 公里"),
    "life_none": ("at or below the minimum", "已达到或低于最低限度"),
    "code_meaning": ("Trouble code {code}: {text}.", "故障码 {code}：{text}。"),
    "no_findings": ("Nothing needs your attention.", "没有需要您关注的问题。"),
    "codes": ("Trouble codes", "故障码"),
    "scan_pre": ("Before repair", "维修前扫描"),
    "scan_post": ("After repair", "维修后扫描"),
    "code": ("Code", "代码"),
    "code_text": ("Meaning", "含义"),
    "ecu": ("Control unit", "控制单元"),
    "kind": ("Status", "状态"),
    "stored": ("stored", "已存储"),
    "pending_code": ("pending", "待定"),
    "permanent": ("permanent", "永久"),
    "no_codes": ("No trouble codes.", "无故障码。"),
    "cleared": ("Cleared and not returned", "已清除且未再出现"),
    "remaining": ("Still present", "仍然存在"),
    "new": ("New after repair", "维修后新出现"),
    "permanent_only": (
        "Repaired; the car's permanent record of it clears itself after normal driving",
        "已修复；车辆中的永久故障记录会在正常行驶后自动消除",
    ),
    "unknown_code": ("no description available", "暂无说明"),
    "alignment": ("Wheel alignment", "四轮定位"),
    "position": ("Position", "位置"),
    "quantity": ("Angle", "角度"),
    "spec": ("Specification", "标准范围"),
    "out_of_spec": ("out of specification by {d}", "超出标准 {d}"),
    "measurements": ("Measurements and remaining life", "测量值与剩余寿命"),
    "item": ("Item", "项目"),
    "value": ("Value", "数值"),
    "rating": ("Rating", "评级"),
    "life": ("Remaining life", "剩余寿命"),
    "extras": ("Extras done", "追加完成的项目"),
    "no_extras": ("No extra work.", "无追加项目。"),
    "next_service": ("Next service", "下次保养"),
    "next_service_text": (
        "at {km} km or on {date}, whichever comes first",
        "行驶至 {km} 公里或 {date}，以先到者为准",
    ),
    "approvals": ("Your approvals", "您的确认记录"),
    "decision": ("Decision", "决定"),
    "by": ("By", "确认人"),
    "channel": ("How", "方式"),
    "at": ("When", "时间"),
    "desk": ("at the desk", "前台"),
    "bay_channel": ("in the bay", "工位"),
    "remote": ("remotely", "远程"),
    "signature": ("Signature", "签名"),
    "photos": ("Photos", "照片"),
    "walk_around": ("Walk-around", "环车检查"),
    "footer": (
        "Report {id} · data SHA-256 {hash} · page {page}",
        "报告 {id} · 数据 SHA-256 {hash} · 第 {page} 页",
    ),
    "hash_note": (
        "The data SHA-256 is the hash of this report's content (canonical JSON of the report data); "
        "the file itself is signed by the station.",
        "数据 SHA-256 为本报告内容（报告数据的规范 JSON）的哈希值；文件本身由服务站数字签名。",
    ),
}

_ALIGNMENT_QUANTITIES: dict[str, tuple[str, str]] = {
    "toe": ("Toe", "前束"),
    "camber": ("Camber", "外倾角"),
    "caster": ("Caster", "主销后倾角"),
    "sai": ("Steering axis inclination", "主销内倾角"),
    "included_angle": ("Included angle", "包容角"),
    "total_toe": ("Total toe", "总前束"),
    "thrust_angle": ("Thrust angle", "推力角"),
    "setback": ("Setback", "退缩角"),
}

_POSITIONS: dict[str, tuple[str, str]] = {
    "FL": ("front-left", "左前"),
    "FR": ("front-right", "右前"),
    "RL": ("rear-left", "左后"),
    "RR": ("rear-right", "右后"),
    "FA": ("front axle", "前轴"),
    "RA": ("rear axle", "后轴"),
    "VH": ("vehicle", "整车"),
}

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def label(key: str, language: str, **values: object) -> str:
    en, zh = _LABELS[key]
    text = zh if language == "zh" else en
    return text.format(**values) if values else text


def alignment_quantity(key: str, language: str) -> str:
    en, zh = _ALIGNMENT_QUANTITIES.get(key, (key, key))
    return zh if language == "zh" else en


def position(key: str, language: str) -> str:
    en, zh = _POSITIONS.get(key, (key, key))
    return zh if language == "zh" else en


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def pick_language(text: str, language: str) -> str:
    """One side of a bilingual "English / 中文" text; other text is returned as it is."""
    parts = [p.strip() for p in text.split(" / ")]
    if len(parts) != 2 or not all(parts):
        return text
    chinese = [p for p in parts if has_cjk(p)]
    latin = [p for p in parts if not has_cjk(p)]
    if len(chinese) != 1 or len(latin) != 1:
        return text
    return chinese[0] if language == "zh" else latin[0]


def thousands(number: int) -> str:
    return f"{number:,}"

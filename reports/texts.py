"""The report's words in English and Simplified Chinese, and picking one side of a "en / 中文" text."""

from __future__ import annotations

import re

LANGUAGES = ("zh", "en")

_LABELS: dict[str, tuple[str, str]] = {
    "title": ("Vehicle health report", "车辆健康报告"),
    "issued": ("Issued", "出具日期"),
    "version": ("Version", "版本"),
    "scan_qr": ("Scan to follow your car online", "扫码在线查看您的爱车"),
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
    "quality": ("Quality check", "质检"),
    "qc_passed": ("Passed", "通过"),
    "qc_failed": ("Not passed", "未通过"),
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
    "scan_other_vin": (
        "This scan read VIN {vin}, not this car's; the technician confirmed that it belongs "
        "to this visit.",
        "本次扫描读到的车架号为 {vin}，与本车不符；技师已确认该扫描属于本次服务。",
    ),
    "no_codes_answered": (
        "No trouble codes from the control units that answered.",
        "已应答的控制单元无故障码。",
    ),
    "powertrain_ICE": ("Petrol or diesel engine", "燃油车"),
    "powertrain_HEV": ("Hybrid", "混合动力"),
    "powertrain_EV": ("Electric", "纯电动"),
    "alignment_not_approved": (
        "No adjustment of the wheel alignment was approved before these readings: only the "
        "readings before any adjustment are shown.",
        "测量时您尚未批准调整四轮定位：此处仅列出调整前的测量值。",
    ),
    "verdict_still_present": ("Still present after the repair", "维修后仍然存在"),
    "verdict_new": ("New after the repair", "维修后新出现"),
    "verdict_declined": (
        "Declined by you, still present (not repaired)",
        "您已拒绝维修，故障仍然存在（未修复）",
    ),
    "verdict_not_checked": (
        "Not checked: the control unit did not answer the rescan",
        "未核实：复检时该控制单元未应答",
    ),
    "verdict_permanent_only": (
        "Repaired; the car's permanent record of it clears itself after normal driving",
        "已修复；车辆中的永久故障记录会在正常行驶后自动消除",
    ),
    "verdict_cleared": ("Repaired, cleared and not returned", "已修复、已清除且未再出现"),
    "scan_incomplete": (
        "This scan was cut short: codes it did not read are not checked.",
        "本次扫描未完整完成：未读取到的故障码视为未核实。",
    ),
    "uds_codes": (
        "Codes in the control units' own fault memory",
        "各控制单元自身故障存储中的故障码",
    ),
    "uds_status": ("Status", "状态"),
    "traction_battery": ("Traction battery", "动力电池"),
    "control_unit": ("Control unit {id}", "控制单元 {id}"),
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
    "footer": ("Report {number} · page {page}", "报告 {number} · 第 {page} 页"),
    "verification": ("Verification", "报告核验"),
    "verification_text": (
        "This report is digitally signed by {workshop} (station {station}). "
        "Any change to the file breaks the signature.",
        "本报告由{workshop}（服务站 {station}）数字签名，对文件的任何改动都会使签名失效。",
    ),
    "report_number": ("Report number", "报告编号"),
    "report_id": ("Report id", "报告标识"),
    "fingerprint": ("Content fingerprint (SHA-256)", "内容指纹 (SHA-256)"),
    "your_signature": ("Your signature", "您的签名"),
    "address": ("Address", "地址"),
    "tax_id": ("Tax ID", "税号"),
    "advisor": ("Service advisor", "服务顾问"),
    "technicians": ("Technicians", "维修技师"),
    "replaced": ("replaced", "已更换"),
    "done": ("done", "已完成"),
    "repaired": ("repaired", "已维修"),
    "after_repair": ("After the repair", "维修后"),
    "not_done": ("Not done on this visit", "本次未完成的工作"),
    "not_started": ("booked, not started", "已预约，未开始"),
    "in_progress": ("started, not finished", "已开始，尚未完成"),
    "worked_by": ("by {names}, {minutes} min", "{names}，{minutes} 分钟"),
    "totals": ("Charges for extra work", "追加项目费用"),
    "total_done": ("Approved and done", "已批准并完成"),
    "total_not_done": ("Approved, not done: not charged", "已批准但未完成（不收费）"),
    "total_declined": ("Declined by you: not charged", "您已拒绝（不收费）"),
    "total_waiting": ("Waiting for your decision: not charged", "等待您决定（不收费）"),
    "tax": ("Tax ({rate})", "税费（{rate}）"),
    "payable": ("Amount payable for extra work", "追加项目应付金额"),
    "replaced_count": ("replaced", "已更换"),
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

# What an ECU's own name (service 09 ECU name, "ECM-EngineControl") starts with.
_CONTROL_UNITS: dict[str, tuple[str, str]] = {
    "ECM": ("Engine", "发动机"),
    "PCM": ("Engine and transmission", "动力总成"),
    "ENGINE": ("Engine", "发动机"),
    "TCM": ("Transmission", "变速箱"),
    "ABS": ("Brakes (ABS)", "制动系统 (ABS)"),
    "ESC": ("Stability control", "车身稳定系统"),
    "BCM": ("Body", "车身"),
    "SRS": ("Airbags", "安全气囊"),
    "HPCM": ("Hybrid system", "混合动力系统"),
    "HCU": ("Hybrid system", "混合动力系统"),
    "VCU": ("Vehicle control", "整车控制器"),
    "BMS": ("High-voltage battery", "高压电池"),
    "BECM": ("High-voltage battery", "高压电池"),
    "OBC": ("On-board charger", "车载充电机"),
    "MCU": ("Electric motor", "驱动电机"),
    "TPMS": ("Tyre pressure monitor", "胎压监测"),
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


def powertrain(key: str, language: str) -> str:
    """ "Electric", not "EV": the kind of car in the customer's words."""
    return label(f"powertrain_{key}", language) if f"powertrain_{key}" in _LABELS else key


def ecu_name(name: str | None, ecu_id: str, language: str) -> str:
    """A control unit as a customer reads it: "Engine", not "ECM-EngineControl"."""
    prefix = (name or "").replace("_", "-").split("-")[0].strip().upper()
    if prefix in _CONTROL_UNITS:
        en, zh = _CONTROL_UNITS[prefix]
        return zh if language == "zh" else en
    return label("control_unit", language, id=ecu_id)


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

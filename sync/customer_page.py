"""The customer's page: server-rendered HTML in Chinese or English, a little JavaScript.

`render` is a pure function of the page's facts (`CustomerSide.page`) and the
language: no template engine, no build step. Text is escaped where it is put
into the page; the script only draws the signature, sends taps with their
idempotency keys and polls for changes. Times are written in UTC and shown in
the phone's own time zone by the script.
"""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from station.findings import format_money
from sync.customer_rules import PAGE, Step, approved_total_cents

log = logging.getLogger(__name__)

LANGUAGES = ("zh", "en")

TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "您的爱车进度", "en": "Your car's visit"},
    "work_order": {"zh": "工单", "en": "Work order"},
    "now": {"zh": "当前", "en": "Now"},
    "next_update": {"zh": "下次更新不晚于", "en": "Next update by"},
    "waiting_you": {"zh": "正在等待您的决定", "en": "Waiting for your decision"},
    "updates": {"zh": "车间消息", "en": "Updates from the workshop"},
    "findings": {"zh": "检查发现与报价", "en": "What we found, with prices"},
    "measured": {"zh": "测量值", "en": "Measured"},
    "life_left": {"zh": "约可再行驶 {km} 公里", "en": "about {km} km left"},
    "life_none": {"zh": "已到更换限度", "en": "at its limit: replace now"},
    "total": {"zh": "合计", "en": "Total"},
    "approve": {"zh": "同意维修", "en": "Approve"},
    "decline": {"zh": "暂不维修", "en": "Decline"},
    "approved": {"zh": "已同意", "en": "Approved"},
    "declined": {"zh": "已拒绝", "en": "Declined"},
    "pending": {"zh": "待您决定", "en": "Your decision"},
    "by": {"zh": "决定人", "en": "by"},
    "via_desk": {"zh": "前台", "en": "at the desk"},
    "via_bay": {"zh": "工位", "en": "at the bay"},
    "via_remote": {"zh": "手机", "en": "on the phone"},
    "approve_later": {
        "zh": "您拒绝的项目仍可随时同意。",
        "en": "A declined item can still be approved later.",
    },
    "approved_total": {"zh": "已同意金额", "en": "Approved total"},
    "your_name": {"zh": "您的姓名", "en": "Your name"},
    "sign_here": {"zh": "请用手指在此签名", "en": "Sign here with your finger"},
    "clear": {"zh": "清除", "en": "Clear"},
    "send": {"zh": "提交我的决定", "en": "Send my decision"},
    "sending": {"zh": "正在提交…", "en": "Sending…"},
    "recorded": {"zh": "已记录，车间已收到。", "en": "Recorded: the workshop has it."},
    "choose_first": {
        "zh": "请先为项目选择同意或拒绝。",
        "en": "Choose approve or decline for an item first.",
    },
    "need_name": {"zh": "请填写您的姓名。", "en": "Please type your name."},
    "need_signature": {"zh": "同意维修需要您的签名。", "en": "An approval needs your signature."},
    "offline": {
        "zh": "网络不通，请稍后重试（不会重复记录）。",
        "en": "No connection: try again (it is never recorded twice).",
    },
    "photos": {"zh": "照片", "en": "Photos"},
    "before": {"zh": "维修前", "en": "Before"},
    "after": {"zh": "维修后", "en": "After"},
    "tap_enlarge": {"zh": "点击照片放大", "en": "Tap a photo to enlarge it"},
    "photo_pending": {"zh": "照片上传中", "en": "Photo on its way"},
    "report": {"zh": "车辆健康报告", "en": "Health report"},
    "download": {"zh": "下载已签名报告 (PDF)", "en": "Download the signed report (PDF)"},
    "report_pending": {
        "zh": "报告已出具，文件正在上传。",
        "en": "The report is issued; its file is on its way.",
    },
    "check_signature": {
        "zh": "如何验证：用 PDF 阅读器（如 Adobe Acrobat）打开，签名面板应显示由本车间工位签名且签名后未被修改；或在车间运行 station verify 文件名.pdf。报告指纹 SHA-256：",
        "en": "How to check it: open it in a PDF reader (such as Adobe Acrobat); the signature panel shows it signed by the workshop's station and unchanged since. At the workshop, station verify FILE.pdf checks it too. Fingerprint (SHA-256):",
    },
    "day1": {"zh": "您对这次保养维修满意吗？", "en": "How happy are you with this visit?"},
    "day7": {
        "zh": "交车后有没有出现异响或故障灯？",
        "en": "Any noise or warning light since we handed the car back?",
    },
    "yes_trouble": {"zh": "有", "en": "Yes"},
    "no_trouble": {"zh": "没有，一切正常", "en": "No, all fine"},
    "comment": {"zh": "留言（可选）", "en": "Comment (optional)"},
    "answer": {"zh": "提交", "en": "Send"},
    "thanks": {"zh": "谢谢您的反馈！", "en": "Thank you for telling us!"},
    "next_service": {"zh": "下次保养", "en": "Next service"},
    "next_service_at": {
        "zh": "{date} 或 {km} 公里，以先到者为准",
        "en": "{date} or at {km} km, whichever comes first",
    },
    "link_ends": {"zh": "此链接有效期至 {date}。", "en": "This link works until {date}."},
    "updated": {"zh": "有新进度，点此刷新", "en": "Something changed: tap to refresh"},
    "no_findings": {
        "zh": "暂时没有需要您决定的项目。",
        "en": "Nothing needs your decision so far.",
    },
    "lang_other": {"zh": "English", "en": "中文"},
    "urgent": {"zh": "紧急", "en": "Urgent"},
    "soon": {"zh": "尽快", "en": "Soon"},
    "advisory": {"zh": "建议", "en": "Advisory"},
}

STAGE_NAMES: dict[str, dict[str, str]] = {
    "booked": {"zh": "已预约", "en": "Booked"},
    "checked_in": {"zh": "已接车", "en": "Checked in"},
    "diagnosing": {"zh": "检测中", "en": "Diagnosing"},
    "awaiting_approval": {"zh": "等待您的决定", "en": "Waiting for your decision"},
    "in_repair": {"zh": "维修中", "en": "In repair"},
    "quality_check": {"zh": "质检中", "en": "Quality check"},
    "ready": {"zh": "可以取车", "en": "Ready for pick-up"},
    "delivered": {"zh": "已交车", "en": "Delivered"},
    "cancelled": {"zh": "已取消", "en": "Cancelled"},
}

ERROR_TITLE = {"zh": "无法打开此链接", "en": "This link cannot be opened"}

# What the customer reads when the page refuses something, by the refusal's key; the
# English message of the refusal itself is for the log and the API's callers.
CUSTOMER_ERRORS: dict[str, dict[str, str]] = {
    "link_unknown": {
        "zh": "找不到这个链接。请检查链接是否完整，或向车间索取新的链接。",
        "en": "We cannot find this link. Check that you have all of it, or ask the workshop for a new one.",
    },
    "link_revoked": {
        "zh": "车间已更换此链接，请向车间索取新的链接。",
        "en": "The workshop has replaced this link. Please ask them for the new one.",
    },
    "link_expired": {
        "zh": "此链接已于 {date} 到期。如需报告或帮助，请联系车间。",
        "en": "This link expired on {date}. If you need the report or any help, please contact the workshop.",
    },
    "link_closed": {
        "zh": "此链接已不能使用，请向车间索取新的链接。",
        "en": "This link no longer works. Please ask the workshop for a new one.",
    },
    "visit_closed": {
        "zh": "这次服务已经结束，无法在这里再做决定。如有问题请联系车间。",
        "en": "This visit is finished, so nothing more can be decided here. Please call the workshop with any question.",
    },
    "item_unknown": {
        "zh": "这个项目已不在您的工单上，请刷新页面。",
        "en": "This item is no longer on your visit. Please reload the page.",
    },
    "item_decided": {
        "zh": "这个项目刚刚已有决定（可能是在前台），页面将显示它现在的状态。",
        "en": "This item was decided in the meantime (perhaps at the desk). The page will show it as it is now.",
    },
    "not_at_workshop_yet": {
        "zh": "车间还在同步这一项，请稍等片刻再试。",
        "en": "The workshop is still receiving this item. Please try again in a moment.",
    },
    "signature.empty": {
        "zh": "请用手指在签名框内签名。",
        "en": "Please sign in the box with your finger.",
    },
    "signature.too_small": {
        "zh": "签名太小，请在签名框内写得大一些、完整一些。",
        "en": "Your signature is too small to keep. Please sign again, larger, across the box.",
    },
    "signature.no_pad": {
        "zh": "签名框没有显示出来，请刷新页面后再签名。",
        "en": "The signature box did not show properly. Please reload the page and sign again.",
    },
    "signature_too_big": {
        "zh": "签名笔画太多，请清除后重新签一次。",
        "en": "Your signature has too many strokes. Please clear it and sign once more.",
    },
    "signature_missing": {
        "zh": "同意维修需要您的签名，请在签名框内签名。",
        "en": "To approve work we need your signature: please sign in the box.",
    },
    "name_missing": {"zh": "请填写您的姓名。", "en": "Please type your name."},
    "name_unprintable": {
        "zh": "姓名里有无法显示的字符，请重新输入您的姓名。",
        "en": "Your name has characters that cannot be shown: please type it again.",
    },
    "name_long": {
        "zh": "姓名太长，最多 {max} 个字。",
        "en": "Your name is too long: at most {max} characters, please.",
    },
    "comment_long": {
        "zh": "留言太长，最多 {max} 个字。",
        "en": "Your comment is too long: at most {max} characters, please.",
    },
    "rating_missing": {
        "zh": "请选择 1 到 5 分。",
        "en": "Please choose a score from 1 to 5.",
    },
    "trouble_missing": {
        "zh": "请选择“有”或“没有”。",
        "en": "Please choose yes or no.",
    },
    "question_unknown": {
        "zh": "这个问题不属于您这次的服务，请刷新页面。",
        "en": "This question is not part of your visit. Please reload the page.",
    },
    "question_later": {
        "zh": "这个问题稍后才开放，届时我们会发消息提醒您。",
        "en": "This question opens later; we will send you a message when it does.",
    },
    "question_answered": {
        "zh": "您已经回答过这个问题了，谢谢！",
        "en": "You have already answered this question. Thank you!",
    },
    "report_not_yet": {
        "zh": "报告还没有出具，完工后会在这里提供下载。",
        "en": "The report is not ready yet. It appears here when the work is done.",
    },
    "photo_unknown": {
        "zh": "这张照片不属于您这次的服务。",
        "en": "This photo is not part of your visit.",
    },
    "file_not_yet": {
        "zh": "文件还在上传中，请过几分钟再试。",
        "en": "The file is still on its way from the workshop. Please try again in a few minutes.",
    },
    "too_many": {
        "zh": "操作太频繁，请等一分钟再试。",
        "en": "Too many tries in a short time. Please wait a minute, then try again.",
    },
    "not_found": {
        "zh": "在您的工单上找不到这一项，请刷新页面。",
        "en": "We cannot find this on your visit. Please reload the page.",
    },
    "changed": {
        "zh": "刚刚有了变化，页面将显示现在的状态。",
        "en": "Something changed in the meantime. The page will show it as it is now.",
    },
    "page_problem": {
        "zh": "页面提交出了问题，请刷新页面后再试。",
        "en": "Something went wrong sending this. Please reload the page and try again.",
    },
    "workshop_problem": {
        "zh": "车间系统暂时出了问题，请过几分钟再试。",
        "en": "Something went wrong on the workshop's side. Please try again in a few minutes.",
    },
}

_CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;background:#f2f4f7;color:#1c2430}
header{background:#14325c;color:#fff;padding:14px 16px}header h1{font-size:19px;margin:0}header p{margin:2px 0 0;opacity:.85;font-size:14px}
header a{color:#fff;float:right;border:1px solid #fff6;border-radius:14px;padding:2px 10px;text-decoration:none;font-size:14px}
main{max-width:560px;margin:0 auto;padding:10px}section{background:#fff;border-radius:12px;padding:14px;margin:10px 0;box-shadow:0 1px 2px #0001}
h2{font-size:17px;margin:0 0 8px}.big{font-size:22px;font-weight:700;color:#14325c}.muted{color:#5b6675;font-size:14px}
ol.track{list-style:none;margin:8px 0 0;padding:0}ol.track li{position:relative;padding:4px 0 10px 30px;color:#8a94a3;display:flex;justify-content:space-between;gap:8px}
ol.track li:before{content:"";position:absolute;left:7px;top:8px;width:12px;height:12px;border-radius:50%;background:#cfd5dd}
ol.track li:after{content:"";position:absolute;left:12px;top:22px;width:2px;bottom:-4px;background:#cfd5dd}ol.track li:last-child:after{display:none}
ol.track li.done{color:#1c2430}ol.track li.done:before{background:#1f9d55}ol.track li.now{color:#14325c;font-weight:700}
ol.track li.now:before{background:#2a6fdb;box-shadow:0 0 0 4px #2a6fdb33}ol.track time{flex:0 0 auto;font-weight:400;color:#5b6675;font-size:14px}
.upd{border-left:3px solid #2a6fdb;padding:2px 0 2px 10px;margin:8px 0}.card{border:1px solid #e1e5eb;border-radius:10px;padding:12px;margin:10px 0}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:13px;font-weight:600;white-space:nowrap;flex:0 0 auto}.urgent{background:#fde2e1;color:#b42318}
.soon{background:#fff1d6;color:#9a5b00}.advisory{background:#e6effc;color:#1d4f9a}.s-approved{background:#dcf5e6;color:#146c3b}
.s-declined{background:#eceef1;color:#4b5563}.s-pending{background:#fff1d6;color:#9a5b00}
table{width:100%;border-collapse:collapse;font-size:14px;margin:6px 0}td{padding:3px 0;border-bottom:1px solid #eef0f3}td.r{text-align:right;white-space:nowrap}
.thumbs{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}.thumbs figure{margin:0;flex:1 1 45%;max-width:50%}
.thumbs img{width:100%;height:auto;aspect-ratio:4/3;object-fit:cover;border-radius:8px;background:#dde2e8;display:block}
figcaption{font-size:13px;color:#5b6675}.choice{display:flex;gap:8px;margin-top:8px}
.choice button,.btn{flex:1;font:inherit;font-weight:600;padding:12px;border-radius:10px;border:2px solid #c5ccd6;background:#fff;color:#1c2430}
.choice button.on.ap{background:#1f9d55;border-color:#1f9d55;color:#fff}.choice button.on.de{background:#5b6675;border-color:#5b6675;color:#fff}
.btn.primary{background:#2a6fdb;border-color:#2a6fdb;color:#fff;width:100%;margin-top:10px}.btn:disabled{opacity:.6}
input[type=text],textarea{width:100%;font:inherit;padding:10px;border:1px solid #c5ccd6;border-radius:8px;margin:4px 0}
canvas{width:100%;height:160px;border:2px dashed #9aa5b4;border-radius:10px;background:#fbfcfd;touch-action:none;display:block}
.row{display:flex;justify-content:space-between;align-items:center;gap:8px}.msg{margin-top:8px;font-weight:600}.msg.err{color:#b42318}.msg.ok{color:#146c3b}
.stars{display:flex;gap:6px}.stars label{flex:1;text-align:center;border:2px solid #c5ccd6;border-radius:10px;padding:8px 0;font-weight:700}
.stars input{display:none}.stars input:checked+span{color:#2a6fdb}#banner{display:none;position:sticky;top:0;background:#2a6fdb;color:#fff;text-align:center;padding:10px;font-weight:600}
#flash{display:none;background:#dcf5e6;text-align:center;padding:10px;margin:0}#lightbox{display:none;position:fixed;inset:0;background:#000d;align-items:center;justify-content:center;z-index:9}#lightbox img{max-width:100%;max-height:100%}
.pair{display:flex;gap:8px}.pair figure{flex:1;margin:0}.pair img{width:100%;border-radius:8px;aspect-ratio:4/3;object-fit:cover;background:#dde2e8}
"""

_JS = """
(function(){var B=document.body.dataset,base=B.base,fp=B.fp,dirty=false,banner=document.getElementById('banner');
function t(k){return JSON.parse(document.getElementById('texts').textContent)[k]}
document.querySelectorAll('time').forEach(function(e){var d=new Date(e.getAttribute('datetime'));if(!isNaN(d))e.textContent=d.toLocaleString(B.lang=='zh'?'zh-CN':'en-GB',{month:'numeric',day:'numeric',hour:'2-digit',minute:'2-digit'})});
function key(){var a=new Uint8Array(16);crypto.getRandomValues(a);return Array.from(a,function(x){return('0'+x.toString(16)).slice(-2)}).join('')}
function post(url,body){return fetch(url+'?lang='+B.lang,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify(body)}).then(function(r){return r.json().then(function(j){return{status:r.status,body:j}})})}
var lb=document.getElementById('lightbox');document.querySelectorAll('a.zoom').forEach(function(a){a.addEventListener('click',function(ev){ev.preventDefault();lb.querySelector('img').src=a.href;lb.style.display='flex'})});
if(lb)lb.addEventListener('click',function(){lb.style.display='none'});
var chosen={},taps={};function total(){var s=+B.approved;document.querySelectorAll('.card[data-finding]').forEach(function(c){if(chosen[c.dataset.finding]=='approved')s+=+c.dataset.cents});var e=document.getElementById('total');if(e)e.textContent=(B.lang=='zh'?'¥':'¥')+(s/100).toFixed(2)}
document.querySelectorAll('.choice button').forEach(function(b){b.addEventListener('click',function(){var f=b.dataset.finding;chosen[f]=b.dataset.decision;dirty=true;delete taps[f];b.parentNode.querySelectorAll('button').forEach(function(x){x.classList.toggle('on',x==b)});total()})});
var cv=document.getElementById('pad'),strokes=[],cur=null;
if(cv){var ctx=cv.getContext('2d');function size(){var r=cv.getBoundingClientRect();cv.width=Math.round(r.width);cv.height=Math.round(r.height);ctx.lineWidth=2.5;ctx.lineCap='round';ctx.strokeStyle='#14325c';redraw()}
function redraw(){ctx.clearRect(0,0,cv.width,cv.height);strokes.forEach(function(s){ctx.beginPath();s.forEach(function(p,i){i?ctx.lineTo(p[0],p[1]):ctx.moveTo(p[0],p[1])});ctx.stroke()})}
function pt(e){var r=cv.getBoundingClientRect();return[Math.max(0,Math.min(cv.width,Math.round((e.clientX-r.left)*10)/10)),Math.max(0,Math.min(cv.height,Math.round((e.clientY-r.top)*10)/10))]}
cv.addEventListener('pointerdown',function(e){cv.setPointerCapture(e.pointerId);cur=[pt(e)];strokes.push(cur);dirty=true});
cv.addEventListener('pointermove',function(e){if(!cur)return;cur.push(pt(e));redraw()});
['pointerup','pointercancel'].forEach(function(n){cv.addEventListener(n,function(){cur=null})});
document.getElementById('clear').addEventListener('click',function(){strokes=[];redraw()});size()}
var send=document.getElementById('send');if(send)send.addEventListener('click',function(){var msg=document.getElementById('msg');msg.className='msg err';
var ids=Object.keys(chosen);if(!ids.length){msg.textContent=t('choose_first');return}
var name=document.getElementById('name').value.trim();if(!name){msg.textContent=t('need_name');return}
var signed=strokes.some(function(s){return s.length>1});if(!signed&&ids.some(function(f){return chosen[f]=='approved'})){msg.textContent=t('need_signature');return}
var sig=signed?{strokes:strokes,width:cv.width,height:cv.height}:null;send.disabled=true;msg.className='msg';msg.textContent=t('sending');
var all=ids.map(function(f){taps[f]=taps[f]||key();var c=document.querySelector('.card[data-finding="'+f+'"]');
return post(base+'/decisions',{tap:taps[f],finding_id:+f,decision:chosen[f],customer_name:name,seen_state:c.dataset.state,signature:chosen[f]=='approved'?sig:null})});
Promise.all(all).then(function(rs){var bad=rs.filter(function(r){return r.status>=300});send.disabled=false;
if(bad.length){msg.className='msg err';msg.textContent=bad.map(function(r){return r.body.message||t('offline')}).filter(function(x,i,a){return a.indexOf(x)==i}).join(' ');if(bad.some(function(r){return r.status==404||r.status==409||r.status==410}))setTimeout(function(){location.reload()},2500);return}
msg.className='msg ok';msg.textContent=t('recorded');try{sessionStorage.setItem('flash',t('recorded'))}catch(e){}dirty=false;setTimeout(function(){location.reload()},1200)}).catch(function(){send.disabled=false;msg.className='msg err';msg.textContent=t('offline')})});
document.querySelectorAll('form.fu').forEach(function(f){f.addEventListener('submit',function(ev){ev.preventDefault();var m=f.querySelector('.msg');var d=new FormData(f);
var body={tap:f.dataset.tap||(f.dataset.tap=key()),comment:d.get('comment')||''};if(f.dataset.kind=='day7'){body.trouble=d.get('trouble')=='yes'}else{body.rating=+d.get('rating')}
post(base+'/follow-ups/'+f.dataset.id,body).then(function(r){m.className='msg '+(r.status<300?'ok':'err');m.textContent=r.status<300?t('thanks'):(r.body.message||t('offline'));if(r.status<300){try{sessionStorage.setItem('flash',t('thanks'))}catch(e){}dirty=false;banner.style.display='none'};if(r.status<300)setTimeout(function(){location.reload()},1200)}).catch(function(){m.className='msg err';m.textContent=t('offline')})});
f.addEventListener('input',function(){dirty=true})});
var flash=null;try{flash=sessionStorage.getItem('flash');sessionStorage.removeItem('flash')}catch(e){}
if(flash){var f=document.getElementById('flash');f.textContent=flash;f.style.display='block'}
banner.addEventListener('click',function(){location.reload()});
setInterval(function(){fetch(base+'/state',{cache:'no-store'}).then(function(r){return r.json()}).then(function(s){if(s.fingerprint&&s.fingerprint!=fp){if(dirty)banner.style.display='block';else location.reload()}}).catch(function(){})},+B.poll);
})();
"""


def pick_language(query: str | None, accept: str | None) -> str:
    """The language asked for in the link, else the phone's, else Chinese."""
    if query in LANGUAGES:
        return str(query)
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh"
    return "zh"


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _time(stamp: str | datetime | None) -> str:
    if stamp is None or stamp == "":
        return ""
    if isinstance(stamp, datetime):
        iso = stamp.isoformat()
        shown = stamp.strftime("%m-%d %H:%M UTC")
    else:
        iso = stamp
        shown = stamp[5:16].replace("T", " ") + " UTC"
    return f'<time datetime="{_e(iso)}">{_e(shown)}</time>'


def _plain_measurement(finding: Mapping[str, Any], lang: str) -> str:
    """'Measured 3.0 mm, about 4,000 km left': a measurement in plain words."""
    value, unit = finding.get("measurement_value"), finding.get("measurement_unit") or ""
    words = []
    if value is not None:
        words.append(f"{TEXT['measured'][lang]} {float(value):g} {_e(unit)}".strip())
    life = finding.get("remaining_life_km")
    if life is not None:
        words.append(
            TEXT["life_left"][lang].format(km=f"{int(life):,}")
            if int(life) > 0
            else TEXT["life_none"][lang]
        )
    return ("，" if lang == "zh" else ", ").join(words)


def _photo(public_id: str, photo: Mapping[str, Any], caption: str) -> str:
    if not photo.get("available"):
        return f"<figure><div class='muted'>{caption}</div></figure>"
    thumb = f"{PAGE}/{_e(public_id)}/photo/{_e(photo['thumbnail_sha256'])}"
    large = f"{PAGE}/{_e(public_id)}/photo/{_e(photo['print_sha256'])}"
    alt = _e(photo.get("caption") or photo.get("subject") or photo.get("stage") or "")
    return (
        f"<figure><a class='zoom' href='{large}'><img src='{thumb}' alt='{alt}' width='320' "
        f"height='240' loading='lazy'></a><figcaption>{caption}</figcaption></figure>"
    )


def _photos_of(public_id: str, photos: list[Mapping[str, Any]], lang: str) -> str:
    """Before and after side by side where the technician paired them; the rest as a grid."""
    by_id = {int(p["id"]): p for p in photos}
    paired_before = {int(p["before_id"]) for p in photos if p.get("before_id") is not None}
    parts = []
    singles = []
    for photo in photos:
        if photo.get("before_id") is not None and int(photo["before_id"]) in by_id:
            before = by_id[int(photo["before_id"])]
            parts.append(
                "<div class='pair thumbs'>"
                + _photo(public_id, before, TEXT["before"][lang])
                + _photo(public_id, photo, TEXT["after"][lang])
                + "</div>"
            )
        elif int(photo["id"]) not in paired_before:
            caption = _e(photo.get("caption") or "")
            singles.append(
                _photo(
                    public_id,
                    photo,
                    caption if photo.get("available") else TEXT["photo_pending"][lang],
                )
            )
    if singles:
        parts.append("<div class='thumbs'>" + "".join(singles) + "</div>")
    return "".join(parts)


def _tracker(steps: list[Step], lang: str) -> str:
    items = []
    for step in steps:
        css = "now" if step.current else ("done" if step.at else "")
        items.append(
            f"<li class='{css}'>{_e(STAGE_NAMES[step.stage.value][lang])}{_time(step.at)}</li>"
        )
    return "<ol class='track'>" + "".join(items) + "</ol>"


def _finding(
    page: Mapping[str, Any],
    finding: Mapping[str, Any],
    photos: list[Mapping[str, Any]],
    lang: str,
    open_: bool,
) -> str:
    state = str(finding["state"])
    severity = str(finding.get("severity") or "advisory")
    lines = "".join(
        f"<tr><td>{_e(line.get('description', ''))}</td><td class='r'>"
        f"{_e(format_money(round(float(line.get('quantity', 0)) * int(line.get('unit_price_cents', 0)))))}</td></tr>"
        for line in finding["lines"]
    )
    decided = ""
    if finding["decisions"]:
        last = finding["decisions"][-1]
        via = TEXT.get(f"via_{last['channel']}", {}).get(lang, "")
        decided = f"<p class='muted'>{TEXT['by'][lang]} {_e(last['customer_name'])} · {via} · {_time(last['at'])}</p>"
    choice = ""
    if open_ and state != "approved":
        fid = int(finding["id"])
        choice = (
            "<div class='choice'>"
            f"<button type='button' class='ap' data-finding='{fid}' data-decision='approved'>{TEXT['approve'][lang]}</button>"
            + (
                f"<button type='button' class='de' data-finding='{fid}' data-decision='declined'>{TEXT['decline'][lang]}</button>"
                if state != "declined"
                else ""
            )
            + "</div>"
        )
    plain = _plain_measurement(finding, lang)
    own = [p for p in photos if p.get("finding_id") == finding["id"]]
    return (
        f"<div class='card' data-finding='{int(finding['id'])}' data-state='{_e(state)}' "
        f"data-cents='{int(finding['total_cents'])}'>"
        f"<div class='row'><strong>{_e(finding['title'])}</strong>"
        f"<span class='badge {_e(severity)}'>{_e(TEXT.get(severity, {}).get(lang, severity))}</span></div>"
        + (f"<p>{plain}</p>" if plain else "")
        + (_photos_of(str(page["public_id"]), own, lang) if own else "")
        + f"<table>{lines}<tr><td><strong>{TEXT['total'][lang]}</strong></td>"
        f"<td class='r'><strong>{_e(format_money(int(finding['total_cents'])))}</strong></td></tr></table>"
        f"<span class='badge s-{_e(state)}'>{TEXT[state][lang]}</span>{decided}{choice}</div>"
    )


def _follow_up(follow_up: Mapping[str, Any], lang: str) -> str:
    kind = str(follow_up["kind"])
    question = TEXT.get(kind, TEXT["day1"])[lang]
    if follow_up.get("answered_at"):
        if kind == "day7":
            said = TEXT["yes_trouble" if follow_up.get("trouble") else "no_trouble"][lang]
        else:
            said = "★" * int(follow_up.get("rating") or 0)
        return (
            f"<section id='fu-{int(follow_up['id'])}'><h2>{question}</h2><p>{_e(said)}</p>"
            f"<p class='muted'>{_e(follow_up.get('comment') or '')}</p><p class='msg ok'>{TEXT['thanks'][lang]}</p></section>"
        )
    if kind == "day7":
        choices = "".join(
            f"<label><input type='radio' name='trouble' value='{v}' required><span>{TEXT[k][lang]}</span></label>"
            for v, k in (("no", "no_trouble"), ("yes", "yes_trouble"))
        )
    else:
        choices = "".join(
            f"<label><input type='radio' name='rating' value='{n}' required><span>{n}★</span></label>"
            for n in range(1, 6)
        )
    return (
        f"<section id='fu-{int(follow_up['id'])}'><h2>{question}</h2>"
        f"<form class='fu' data-id='{int(follow_up['id'])}' data-kind='{_e(kind)}'>"
        f"<div class='stars'>{choices}</div>"
        f"<textarea name='comment' rows='2' maxlength='2000' placeholder='{TEXT['comment'][lang]}'></textarea>"
        f"<button class='btn primary' type='submit'>{TEXT['answer'][lang]}</button><p class='msg'></p></form></section>"
    )


def render(page: Mapping[str, Any], lang: str, poll_ms: int = 5000, nonce: str = "") -> str:
    """The whole page for one work order in `lang`."""
    public_id = str(page["public_id"])
    status = str(page["status"])
    base = f"{PAGE}/{public_id}"
    open_ = status not in ("delivered", "cancelled")
    findings = list(page["findings"])
    photos = list(page["photos"])
    other = "en" if lang == "zh" else "zh"
    parts: list[str] = []
    promise = page.get("next_update_by")
    status_line = (
        f"<p class='muted'>{TEXT['next_update'][lang]} {_time(promise)}</p>" if promise else ""
    )
    parts.append(
        f"<section id='status'><div class='muted'>{TEXT['now'][lang]}</div>"
        f"<div class='big' id='stage'>{_e(STAGE_NAMES.get(status, {}).get(lang, status))}</div>"
        f"{status_line}{_tracker(list(page['steps']), lang)}</section>"
    )
    notes = [
        e for e in page["events"] if e.get("note") or e.get("from_status") == e.get("to_status")
    ]
    if notes:
        rows = "".join(
            f"<div class='upd'>{_time(e['at'])}<div>{_e(e.get('note') or e.get('text_' + lang) or '')}</div></div>"
            for e in reversed(notes)
        )
        parts.append(f"<section id='updates'><h2>{TEXT['updates'][lang]}</h2>{rows}</section>")
    decidable = open_ and any(f["state"] != "approved" for f in findings)
    cards = "".join(_finding(page, f, photos, lang, open_) for f in findings)
    if findings:
        form = ""
        if decidable:
            approved = approved_total_cents(findings)
            form = (
                f"<div id='decide'><p class='muted'>{TEXT['approve_later'][lang]}</p>"
                f"<div class='row'><strong>{TEXT['approved_total'][lang]}</strong><strong id='total'>{_e(format_money(approved))}</strong></div>"
                f"<input type='text' id='name' autocomplete='name' maxlength='100' placeholder='{TEXT['your_name'][lang]}'>"
                f"<div class='row muted'><span>{TEXT['sign_here'][lang]}</span><button type='button' class='btn' id='clear' style='flex:0 0 auto;padding:4px 12px'>{TEXT['clear'][lang]}</button></div>"
                f"<canvas id='pad'></canvas>"
                f"<button type='button' class='btn primary' id='send'>{TEXT['send'][lang]}</button><p class='msg' id='msg'></p></div>"
            )
        parts.append(
            f"<section id='findings'><h2>{TEXT['findings'][lang]}</h2>{cards}{form}</section>"
        )
    elif open_:
        parts.append(
            f"<section id='findings'><h2>{TEXT['findings'][lang]}</h2><p class='muted'>{TEXT['no_findings'][lang]}</p></section>"
        )
    loose = [p for p in photos if p.get("finding_id") is None]
    if loose:
        parts.append(
            f"<section id='photos'><h2>{TEXT['photos'][lang]}</h2><p class='muted'>{TEXT['tap_enlarge'][lang]}</p>"
            f"{_photos_of(public_id, loose, lang)}</section>"
        )
    report = page.get("report")
    if report:
        body = (
            f"<a class='btn primary' style='display:block;text-align:center;text-decoration:none' id='report-pdf' href='{base}/report.pdf' download>{TEXT['download'][lang]}</a>"
            if report.get("available")
            else f"<p>{TEXT['report_pending'][lang]}</p>"
        )
        parts.append(
            f"<section id='report'><h2>{TEXT['report'][lang]} v{int(report['version'])}</h2>{body}"
            f"<p class='muted'>{TEXT['check_signature'][lang]} <code style='word-break:break-all'>{_e(report['sha256'])}</code></p></section>"
        )
    parts.extend(_follow_up(f, lang) for f in page.get("follow_ups") or [])
    due = page.get("service_due")
    if due:
        parts.append(
            f"<section id='next-service'><h2>{TEXT['next_service'][lang]}</h2><p>"
            + TEXT["next_service_at"][lang].format(
                date=_e(due["due_date"]), km=f"{int(due['due_km']):,}"
            )
            + "</p></section>"
        )
    ends = page.get("link_ends")
    if ends:
        parts.append(
            f"<p class='muted' style='text-align:center'>{TEXT['link_ends'][lang].format(date=ends.strftime('%Y-%m-%d'))}</p>"
        )
    texts = {
        k: TEXT[k][lang]
        for k in (
            "choose_first",
            "need_name",
            "need_signature",
            "sending",
            "recorded",
            "offline",
            "thanks",
        )
    }
    approved = approved_total_cents(findings)
    fingerprint = _e(page.get("fingerprint", ""))
    # JSON inside a script element: "</" would end the element early.
    texts_json = json.dumps(texts, ensure_ascii=False).replace("</", "<\\/")
    return (
        f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        "<meta name='robots' content='noindex'><meta name='referrer' content='no-referrer'>"
        f"<title>{TEXT['title'][lang]} · {_e(page['number'])}</title><style>{_CSS}</style></head>"
        f"<body data-base='{_e(base)}' data-fp='{fingerprint}' data-lang='{lang}' data-approved='{approved}' data-poll='{int(poll_ms)}'>"
        f"<div id='banner'>{TEXT['updated'][lang]}</div><div id='flash' class='msg ok'></div>"
        f"<header><a href='?lang={other}' id='lang'>{TEXT['lang_other'][lang]}</a>"
        f"<h1>{_e(page['workshop'])}</h1><p>{TEXT['work_order'][lang]} {_e(page['number'])}</p></header>"
        f"<main>{''.join(parts)}</main><div id='lightbox'><img alt=''></div>"
        f"<script type='application/json' id='texts'>{texts_json}</script>"
        f"<script nonce='{_e(nonce)}'>{_JS}</script></body></html>"
    )


def error_key(key: str | None, status: int) -> str:
    """The customer's sentence for a refusal: its own key, else one for its HTTP status."""
    if key in CUSTOMER_ERRORS:
        return str(key)
    by_status = {404: "not_found", 409: "changed", 410: "link_closed", 429: "too_many"}
    return by_status.get(status, "workshop_problem" if status >= 500 else "page_problem")


def customer_error(key: str | None, status: int, params: Mapping[str, object], lang: str) -> str:
    """What the page tells the customer when it refuses something, in their language."""
    text = CUSTOMER_ERRORS[error_key(key, status)]["en" if lang == "en" else "zh"]
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        log.warning("customer error %s lacks its parameters %s", key, params)
        return CUSTOMER_ERRORS[error_key(None, status)]["en" if lang == "en" else "zh"]


def render_error(status: int, message: str, lang: str) -> str:
    """A refused link (revoked, expired, unknown) as a page a person can read; `message`
    is the customer's sentence (`customer_error`)."""
    return (
        f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'><meta name='robots' content='noindex'>"
        f"<title>{ERROR_TITLE[lang]}</title><style>{_CSS}</style></head><body><main><section>"
        f"<h2>{ERROR_TITLE[lang]} ({int(status)})</h2><p>{_e(message)}</p></section></main></body></html>"
    )

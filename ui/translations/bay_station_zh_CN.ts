<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlignmentView</name>
    <message>
        <location filename="../alignment_view.py" line="92"/>
        <source>Propose the adjustment to the customer</source>
        <translation>向客户提出四轮定位调整</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="174"/>
        <source>No adjustment was approved before these readings: the report shows the readings before adjustment only.</source>
        <translation>测量前客户尚未批准调整：报告只列出调整前的读数。</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="89"/>
        <source>Wheel alignment: before and after</source>
        <translation>四轮定位：修前与修后</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="90"/>
        <source>Measure on the rig</source>
        <translation>在定位仪上测量</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="91"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="97"/>
        <source>Front left</source>
        <translation>左前</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="98"/>
        <source>Front right</source>
        <translation>右前</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="99"/>
        <source>Rear left</source>
        <translation>左后</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="100"/>
        <source>Rear right</source>
        <translation>右后</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="101"/>
        <source>Front axle</source>
        <translation>前轴</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="102"/>
        <source>Rear axle</source>
        <translation>后轴</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="103"/>
        <source>Vehicle</source>
        <translation>整车</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="108"/>
        <source>toe</source>
        <translation>前束</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="109"/>
        <source>camber</source>
        <translation>外倾</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="110"/>
        <source>caster</source>
        <translation>主销后倾角</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="111"/>
        <source>steering axis inclination</source>
        <translation>主销内倾角</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="112"/>
        <source>included angle</source>
        <translation>包容角</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="113"/>
        <source>total toe</source>
        <translation>总前束</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="114"/>
        <source>thrust angle</source>
        <translation>推力角</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="115"/>
        <source>setback</source>
        <translation>退缩角</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="160"/>
        <source>Measuring: adjust the car, the rig sends the after set when done</source>
        <translation>测量中：请调整车辆，完成后定位仪会发送调整后的数据</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="164"/>
        <source>No alignment measured on this work order</source>
        <translation>本工单尚未测量四轮定位</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="166"/>
        <source>No alignment rig is connected</source>
        <translation>未连接四轮定位仪</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="169"/>
        <source>Specification: %1</source>
        <translation>标准：%1</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="211"/>
        <source>Wheel</source>
        <translation>车轮</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="212"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="213"/>
        <source>Specification</source>
        <translation>标准范围</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="214"/>
        <source>Before</source>
        <translation>修前</translation>
    </message>
    <message>
        <location filename="../alignment_view.py" line="216"/>
        <source>After</source>
        <translation>修后</translation>
    </message>
</context>
<context>
    <name>AppointmentsView</name>
    <message>
        <location filename="../desk.py" line="239"/>
        <source>Appointments</source>
        <translation>预约</translation>
    </message>
    <message>
        <location filename="../desk.py" line="240"/>
        <source>Car arrived: open the work order</source>
        <translation>车辆已到店：开工单</translation>
    </message>
    <message>
        <location filename="../desk.py" line="247"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../desk.py" line="247"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../desk.py" line="247"/>
        <source>Plate</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../desk.py" line="247"/>
        <source>Complaint</source>
        <translation>客户描述</translation>
    </message>
    <message>
        <location filename="../desk.py" line="266"/>
        <source>Choose an appointment to see its pre-diagnosis</source>
        <translation>选择预约以查看预诊断</translation>
    </message>
    <message>
        <location filename="../desk.py" line="273"/>
        <source>Complaint: %1</source>
        <translation>客户描述：%1</translation>
    </message>
    <message>
        <location filename="../desk.py" line="281"/>
        <source>Choose an appointment first</source>
        <translation>请先选择预约</translation>
    </message>
</context>
<context>
    <name>Approval</name>
    <message>
        <location filename="../texts.py" line="161"/>
        <source>waiting</source>
        <translation>待确认</translation>
    </message>
    <message>
        <location filename="../texts.py" line="162"/>
        <source>approved</source>
        <translation>已同意</translation>
    </message>
    <message>
        <location filename="../texts.py" line="163"/>
        <source>declined</source>
        <translation>已拒绝</translation>
    </message>
</context>
<context>
    <name>ApprovalsView</name>
    <message>
        <location filename="../approvals.py" line="157"/>
        <source>Choose a work order on the board</source>
        <translation>请在看板上选择工单</translation>
    </message>
    <message>
        <location filename="../approvals.py" line="247"/>
        <source>Tap approve or decline on at least one item</source>
        <translation>请至少对一项选择同意或拒绝</translation>
    </message>
</context>
<context>
    <name>BoardView</name>
    <message>
        <location filename="../desk.py" line="116"/>
        <source>Workshop board</source>
        <translation>车间看板</translation>
    </message>
    <message>
        <location filename="../desk.py" line="119"/>
        <source>A red row owes the customer an update: the first within 30 minutes of check-in, then at least hourly.</source>
        <translation>红色行表示应通知客户进度：到店登记后 30 分钟内首次通知，之后至少每小时一次。</translation>
    </message>
    <message>
        <location filename="../desk.py" line="122"/>
        <source>Approvals</source>
        <translation>客户确认</translation>
    </message>
    <message>
        <location filename="../desk.py" line="123"/>
        <source>Open work order</source>
        <translation>打开工单</translation>
    </message>
    <message>
        <location filename="../desk.py" line="124"/>
        <source>Health report</source>
        <translation>健康报告</translation>
    </message>
    <message>
        <location filename="../desk.py" line="126"/>
        <source>Message to the customer, e.g. the part arrives at 3 pm</source>
        <translation>给客户的消息，例如：配件下午3点到</translation>
    </message>
    <message>
        <location filename="../desk.py" line="128"/>
        <source>Send update</source>
        <translation>发送进度</translation>
    </message>
    <message>
        <location filename="../desk.py" line="140"/>
        <source>overdue %1</source>
        <translation>已超时 %1</translation>
    </message>
    <message>
        <location filename="../desk.py" line="142"/>
        <source>due in %1</source>
        <translation>%1 后到期</translation>
    </message>
    <message>
        <location filename="../desk.py" line="158"/>
        <source>Work order</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../desk.py" line="159"/>
        <source>Plate</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../desk.py" line="160"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../desk.py" line="161"/>
        <source>Bay</source>
        <translation>工位</translation>
    </message>
    <message>
        <location filename="../desk.py" line="162"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../desk.py" line="163"/>
        <source>In stage</source>
        <translation>本阶段用时</translation>
    </message>
    <message>
        <location filename="../desk.py" line="164"/>
        <source>Customer update</source>
        <translation>客户通知</translation>
    </message>
    <message>
        <location filename="../desk.py" line="212"/>
        <source>Update sent to the customer</source>
        <translation>已向客户发送进度</translation>
    </message>
</context>
<context>
    <name>CannedJobsForm</name>
    <message>
        <location filename="../canned_jobs.py" line="81"/>
        <source>Name in English</source>
        <translation>英文名称</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="82"/>
        <source>Name in Chinese</source>
        <translation>中文名称</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="83"/>
        <source>Add line</source>
        <translation>添加项目</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="84"/>
        <source>Remove line</source>
        <translation>删除项目</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="85"/>
        <source>Save job</source>
        <translation>保存套餐</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="86"/>
        <source>New job</source>
        <translation>新建套餐</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="87"/>
        <source>Remove job</source>
        <translation>删除套餐</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="88"/>
        <source>Quantity, or times the standard hours</source>
        <translation>数量，或标准工时的倍数</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="107"/>
        <source>Canned job</source>
        <translation>套餐</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="107"/>
        <source>Lines</source>
        <translation>项目数</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="107"/>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="139"/>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="146"/>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="146"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="146"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="190"/>
        <source>The price list is empty: add items first</source>
        <translation>价目表为空：请先添加项目</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="204"/>
        <source>Choose a line first</source>
        <translation>请先选择一个项目</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="220"/>
        <source>Canned job saved</source>
        <translation>套餐已保存</translation>
    </message>
    <message>
        <location filename="../canned_jobs.py" line="228"/>
        <source>Canned job removed</source>
        <translation>套餐已删除</translation>
    </message>
</context>
<context>
    <name>CheckInView</name>
    <message>
        <location filename="../checkin.py" line="128"/>
        <source>Tap the car where it is damaged</source>
        <translation>点击车身受损位置</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="129"/>
        <source>Clear marks</source>
        <translation>清除标记</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="130"/>
        <location filename="../checkin.py" line="171"/>
        <source>Mileage (km)</source>
        <translation>里程（公里）</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="133"/>
        <source>Engine</source>
        <translation>发动机</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="134"/>
        <source>ABS</source>
        <translation>ABS</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="135"/>
        <source>Airbag</source>
        <translation>安全气囊</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="136"/>
        <source>Battery</source>
        <translation>蓄电池</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="137"/>
        <source>Oil</source>
        <translation>机油</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="138"/>
        <source>Tyres</source>
        <translation>轮胎</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="139"/>
        <source>EV system</source>
        <translation>电动系统</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="143"/>
        <source>Valuables left in the car</source>
        <translation>车内贵重物品</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="144"/>
        <source>Take walk-around photo</source>
        <translation>拍环车照片</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="145"/>
        <source>Customer confirmed</source>
        <translation>客户已确认</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="146"/>
        <source>Check in</source>
        <translation>到店登记</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="150"/>
        <source>Fuel or charge: %1 %</source>
        <translation>油量或电量：%1 %</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="158"/>
        <source>No work order open</source>
        <translation>未打开工单</translation>
    </message>
    <message numerus="yes">
        <location filename="../checkin.py" line="168"/>
        <source>%n photo(s)</source>
        <translation>
            <numerusform>%n 张照片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../checkin.py" line="173"/>
        <source>Mileage (km), last recorded %1 km</source>
        <translation>里程（公里），上次记录 %1 公里</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="202"/>
        <source>Complaint: %1</source>
        <translation>客户描述：%1</translation>
    </message>
    <message>
        <location filename="../checkin.py" line="224"/>
        <source>Enter the mileage first</source>
        <translation>请先输入里程</translation>
    </message>
</context>
<context>
    <name>CustomerPanel</name>
    <message>
        <location filename="../messages_view.py" line="147"/>
        <source>Customer&apos;s tracker link</source>
        <translation>客户进度链接</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="148"/>
        <source>Withdraw this link</source>
        <translation>撤销此链接</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="149"/>
        <source>Messages to customers</source>
        <translation>发给客户的消息</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="150"/>
        <source>Send again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="209"/>
        <source>Due</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="210"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="211"/>
        <source>Work order</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="212"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="213"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="214"/>
        <source>Tries</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="215"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="237"/>
        <source>Choose a work order on the board</source>
        <translation>请在车间看板上选择工单</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="257"/>
        <source>No link yet: the work order reaches the cloud on the next sync</source>
        <translation>暂无链接：下次同步后工单才会到达云端</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="281"/>
        <source>Link withdrawn: the next sync gives the customer a new one</source>
        <translation>链接已撤销：下次同步后客户将获得新链接</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="287"/>
        <source>Choose a message first</source>
        <translation>请先选择一条消息</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="151"/>
        <source>E-mail</source>
        <translation>电子邮箱</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="152"/>
        <source>Mobile</source>
        <translation>手机号码</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="153"/>
        <source>Save the customer&apos;s contact</source>
        <translation>保存客户联系方式</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="200"/>
        <source>Contact saved: the customer&apos;s messages go there</source>
        <translation>联系方式已保存：客户的消息将发送到这里</translation>
    </message>
</context>
<context>
    <name>DeliveryView</name>
    <message>
        <location filename="../desk.py" line="361"/>
        <source>Delivery</source>
        <translation>交车</translation>
    </message>
    <message>
        <location filename="../desk.py" line="362"/>
        <source>Hand over</source>
        <translation>交车</translation>
    </message>
    <message>
        <location filename="../desk.py" line="363"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../desk.py" line="364"/>
        <source>Who takes the car (signs below)</source>
        <translation>取车人（请在下方签名）</translation>
    </message>
    <message>
        <location filename="../desk.py" line="365"/>
        <source>Follow-ups due today</source>
        <translation>今日待回访</translation>
    </message>
    <message>
        <location filename="../desk.py" line="366"/>
        <source>What the customer said</source>
        <translation>客户反馈</translation>
    </message>
    <message>
        <location filename="../desk.py" line="367"/>
        <source>Follow-up done</source>
        <translation>回访完成</translation>
    </message>
    <message>
        <location filename="../desk.py" line="380"/>
        <source>Choose a work order on the board</source>
        <translation>请在看板上选择工单</translation>
    </message>
    <message>
        <location filename="../desk.py" line="388"/>
        <source>quality check passed</source>
        <translation>质检合格</translation>
    </message>
    <message>
        <location filename="../desk.py" line="390"/>
        <source>health report issued</source>
        <translation>健康报告已出具</translation>
    </message>
    <message>
        <location filename="../desk.py" line="396"/>
        <source>Next service: %1 km or %2</source>
        <translation>下次保养：%1 公里或 %2</translation>
    </message>
    <message>
        <location filename="../desk.py" line="414"/>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <location filename="../desk.py" line="415"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../desk.py" line="416"/>
        <source>Work order</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../desk.py" line="417"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../desk.py" line="418"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../desk.py" line="455"/>
        <source>Choose a follow-up first</source>
        <translation>请先选择回访</translation>
    </message>
</context>
<context>
    <name>DeviceBar</name>
    <message>
        <location filename="../device_bar.py" line="104"/>
        <source>Reconnect</source>
        <translation>重新连接</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="105"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="120"/>
        <source>Sync: not configured</source>
        <translation>同步：未配置</translation>
    </message>
    <message numerus="yes">
        <location filename="../device_bar.py" line="122"/>
        <source>Sync: offline, %n pending</source>
        <translation>
            <numerusform>同步：离线，%n 条待上传</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../device_bar.py" line="124"/>
        <source>Sync: %n pending</source>
        <translation>
            <numerusform>同步：%n 条待上传</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="126"/>
        <source>last success %1</source>
        <translation>上次成功 %1</translation>
    </message>
</context>
<context>
    <name>Devices</name>
    <message>
        <location filename="../device_bar.py" line="21"/>
        <source>Vehicle bus</source>
        <translation>车辆总线</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="22"/>
        <source>Alignment rig</source>
        <translation>四轮定位仪</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="23"/>
        <source>Camera</source>
        <translation>相机</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="29"/>
        <source>CAN bus %1, channel %2</source>
        <translation>CAN 总线 %1，通道 %2</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="30"/>
        <source>simulated car on a virtual CAN bus</source>
        <translation>虚拟 CAN 总线上的模拟车辆</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="31"/>
        <source>ELM327 adapter on %1</source>
        <translation>ELM327 适配器（%1）</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="32"/>
        <source>camera %1</source>
        <translation>相机 %1</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="33"/>
        <source>simulated camera</source>
        <translation>模拟相机</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="34"/>
        <source>alignment rig (%1)</source>
        <translation>四轮定位仪（%1）</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="35"/>
        <source>simulated alignment rig on a virtual CAN bus</source>
        <translation>虚拟 CAN 总线上的模拟四轮定位仪</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="60"/>
        <source>absent</source>
        <translation>未连接</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="61"/>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="62"/>
        <source>busy</source>
        <translation>忙碌</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="63"/>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../device_bar.py" line="64"/>
        <source>failed</source>
        <translation>故障</translation>
    </message>
</context>
<context>
    <name>DevicesForm</name>
    <message>
        <location filename="../setup.py" line="249"/>
        <source>Vehicle bus</source>
        <translation>车辆总线</translation>
    </message>
    <message>
        <location filename="../setup.py" line="250"/>
        <source>Alignment rig</source>
        <translation>四轮定位仪</translation>
    </message>
    <message>
        <location filename="../setup.py" line="251"/>
        <source>Camera</source>
        <translation>相机</translation>
    </message>
    <message>
        <location filename="../setup.py" line="254"/>
        <source>Read VIN</source>
        <translation>读取 VIN</translation>
    </message>
    <message>
        <location filename="../setup.py" line="255"/>
        <source>Read rig</source>
        <translation>读取定位仪</translation>
    </message>
    <message>
        <location filename="../setup.py" line="256"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../setup.py" line="264"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../setup.py" line="267"/>
        <source>simulator (training)</source>
        <translation>模拟器（培训）</translation>
    </message>
    <message>
        <location filename="../setup.py" line="271"/>
        <source>No camera</source>
        <translation>无相机</translation>
    </message>
    <message>
        <location filename="../setup.py" line="312"/>
        <location filename="../setup.py" line="325"/>
        <source>Nothing chosen</source>
        <translation>未选择</translation>
    </message>
    <message>
        <location filename="../setup.py" line="318"/>
        <location filename="../setup.py" line="353"/>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <location filename="../setup.py" line="321"/>
        <source>Live picture below</source>
        <translation>实时画面见下方</translation>
    </message>
    <message>
        <location filename="../setup.py" line="327"/>
        <source>Testing…</source>
        <translation>测试中…</translation>
    </message>
    <message>
        <location filename="../setup.py" line="337"/>
        <source>VIN %1</source>
        <translation>VIN %1</translation>
    </message>
    <message>
        <location filename="../setup.py" line="342"/>
        <source>%1 live readings, %2 values measured</source>
        <translation>%1 条实时读数，测得 %2 个数值</translation>
    </message>
</context>
<context>
    <name>DiagnosticsView</name>
    <message>
        <location filename="../diagnostics_view.py" line="179"/>
        <source>Test drive</source>
        <translation>路试</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="179"/>
        <source>Rev test</source>
        <translation>急加速测试</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="496"/>
        <source>Choose the values to record first</source>
        <translation>请先选择要记录的数值</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="539"/>
        <source>Recording kept with the work order</source>
        <translation>记录已随工单保存</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="552"/>
        <source>Stop recording</source>
        <translation>停止记录</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="552"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="556"/>
        <source>Recording: %1 s, %2 samples</source>
        <translation>记录中：%1 秒，%2 个采样</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="564"/>
        <source>%1 recording(s) kept with the work order</source>
        <translation>工单已保存 %1 条记录</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="293"/>
        <source>UDS module</source>
        <translation>UDS 模块</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="294"/>
        <source>Not read completely: %1</source>
        <translation>未完整读取：%1</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="314"/>
        <source>Fault memory (UDS)</source>
        <translation>故障存储（UDS）</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="328"/>
        <source>Traction battery</source>
        <translation>动力电池</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="160"/>
        <source>ECU / code</source>
        <translation>控制单元 / 故障码</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="160"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="160"/>
        <source>What it means</source>
        <translation>含义</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="163"/>
        <source>I have recorded the codes and want to clear them in the car</source>
        <translation>我已记录故障码，确认在车上清除</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="165"/>
        <source>Clear codes</source>
        <translation>清除故障码</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="166"/>
        <source>This is the right car: keep the scan for this work order</source>
        <translation>确认是这辆车：将扫描结果保存到此工单</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="167"/>
        <source>Live values</source>
        <translation>实时数据</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="169"/>
        <source>Engine speed</source>
        <translation>发动机转速</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="170"/>
        <source>Speed</source>
        <translation>车速</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="171"/>
        <source>Coolant</source>
        <translation>冷却液</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="172"/>
        <source>Load</source>
        <translation>负荷</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="173"/>
        <source>Throttle</source>
        <translation>节气门</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="202"/>
        <source>Scan after repair</source>
        <translation>修后扫描</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="202"/>
        <source>Scan the car</source>
        <translation>扫描车辆</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="228"/>
        <source>No work order open</source>
        <translation>未打开工单</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="234"/>
        <source>Not scanned yet</source>
        <translation>尚未扫描</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="241"/>
        <source>After repair: cleared %1; still there %2; new %3; kept as permanent until the car has driven %4</source>
        <translation>维修后：已清除 %1；仍存在 %2；新出现 %3；永久记录待正常行驶后消除 %4</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="250"/>
        <source>Not checked, the control unit did not answer the rescan: %1</source>
        <translation>未核实，复检时该控制单元未应答：%1</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="259"/>
        <source>%1 scan: VIN %2, %3 ECU(s), %4 code(s), %5 ms</source>
        <translation>%1扫描：VIN %2，%3 个控制单元，%4 个故障码，%5 毫秒</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="260"/>
        <source>Post-repair</source>
        <translation>修后</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="260"/>
        <source>Pre-repair</source>
        <translation>修前</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="274"/>
        <source>Warning: the car&apos;s VIN differs from the work order&apos;s</source>
        <translation>警告：车辆 VIN 与工单不一致</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="277"/>
        <source>Scan incomplete: %1</source>
        <translation>扫描未完成：%1</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="282"/>
        <source>stored</source>
        <translation>已存储</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="283"/>
        <source>pending</source>
        <translation>待定</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="284"/>
        <source>permanent</source>
        <translation>永久</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="307"/>
        <source>Freeze frame</source>
        <translation>冻结帧</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="334"/>
        <source>Readiness</source>
        <translation>就绪状态</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="347"/>
        <source>No vehicle interface is connected</source>
        <translation>未连接车辆诊断接口</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="370"/>
        <location filename="../diagnostics_view.py" line="400"/>
        <source>Scan kept with the work order</source>
        <translation>扫描结果已保存到工单</translation>
    </message>
    <message>
        <location filename="../diagnostics_view.py" line="439"/>
        <source>Codes cleared in %1</source>
        <translation>已清除故障码：%1</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../errors.py" line="25"/>
        <location filename="../errors.py" line="740"/>
        <source>Unknown user or wrong PIN</source>
        <translation>用户不存在或 PIN 码错误</translation>
    </message>
    <message>
        <location filename="../errors.py" line="27"/>
        <source>Unknown user or wrong PIN (%1 attempts left)</source>
        <translation>用户不存在或 PIN 码错误（还可尝试 %1 次）</translation>
    </message>
    <message>
        <location filename="../errors.py" line="31"/>
        <source>%1 is locked after too many wrong PINs: ask an admin</source>
        <translation>%1 因多次输错 PIN 码已被锁定：请联系管理员</translation>
    </message>
    <message>
        <location filename="../errors.py" line="35"/>
        <source>Wrong PIN: %1 is now locked, ask an admin</source>
        <translation>PIN 码错误：%1 已被锁定，请联系管理员</translation>
    </message>
    <message>
        <location filename="../errors.py" line="43"/>
        <source>A work order cannot go from “%1” to “%2”</source>
        <translation>工单不能从“%1”改为“%2”</translation>
    </message>
    <message>
        <location filename="../errors.py" line="47"/>
        <source>The car cannot be delivered before the health report is issued</source>
        <translation>健康报告签发前不能交车</translation>
    </message>
    <message>
        <location filename="../errors.py" line="53"/>
        <source>The car cannot be delivered before the quality check passed</source>
        <translation>质检通过前不能交车</translation>
    </message>
    <message>
        <location filename="../errors.py" line="57"/>
        <source>Findings are waiting for approval: send them to the customer first</source>
        <translation>有检查发现待确认：请先提交客户确认</translation>
    </message>
    <message>
        <location filename="../errors.py" line="63"/>
        <source>No approved finding and no booked job: nothing to repair</source>
        <translation>没有已同意的检查发现或预约作业：无可维修项目</translation>
    </message>
    <message>
        <location filename="../errors.py" line="67"/>
        <source>Malformed VIN %1: a VIN has 17 letters or digits, without I, O or Q</source>
        <translation>VIN %1 格式错误：VIN 为 17 位字母或数字，不含 I、O、Q</translation>
    </message>
    <message>
        <location filename="../errors.py" line="73"/>
        <source>A vehicle with VIN %1 is already registered</source>
        <translation>VIN 为 %1 的车辆已登记</translation>
    </message>
    <message>
        <location filename="../errors.py" line="77"/>
        <source>Mileage went down from %1 km to %2 km: check the odometer, or confirm the lower reading</source>
        <translation>里程从 %1 公里降到 %2 公里：请核对里程表，或确认较低的读数</translation>
    </message>
    <message>
        <location filename="../errors.py" line="84"/>
        <source>Mileage %1 km is not plausible</source>
        <translation>里程 %1 公里不合理</translation>
    </message>
    <message>
        <location filename="../errors.py" line="87"/>
        <source>A vehicle needs a VIN or a plate</source>
        <translation>车辆需要 VIN 或车牌</translation>
    </message>
    <message>
        <location filename="../errors.py" line="88"/>
        <source>A customer needs a name</source>
        <translation>客户需要姓名</translation>
    </message>
    <message>
        <location filename="../errors.py" line="89"/>
        <source>A user needs a name</source>
        <translation>用户需要名称</translation>
    </message>
    <message>
        <location filename="../errors.py" line="90"/>
        <source>User %1 already exists</source>
        <translation>用户 %1 已存在</translation>
    </message>
    <message>
        <location filename="../errors.py" line="91"/>
        <source>The station needs at least one admin</source>
        <translation>终端至少需要一位管理员</translation>
    </message>
    <message>
        <location filename="../errors.py" line="92"/>
        <source>You cannot deactivate yourself</source>
        <translation>不能停用自己的账号</translation>
    </message>
    <message>
        <location filename="../errors.py" line="93"/>
        <source>A finding needs a title</source>
        <translation>检查发现需要标题</translation>
    </message>
    <message>
        <location filename="../errors.py" line="95"/>
        <source>An estimate line needs a description</source>
        <translation>报价项目需要说明</translation>
    </message>
    <message>
        <location filename="../errors.py" line="109"/>
        <source>The signature is empty: ask the customer to sign</source>
        <translation>签名为空：请客户签名</translation>
    </message>
    <message>
        <location filename="../errors.py" line="113"/>
        <source>An approval at the desk or bay needs the customer&apos;s signature</source>
        <translation>在前台或工位确认需要客户签名</translation>
    </message>
    <message>
        <location filename="../errors.py" line="119"/>
        <source>An update needs a message for the customer</source>
        <translation>进度通知需要给客户的消息</translation>
    </message>
    <message>
        <location filename="../errors.py" line="122"/>
        <source>You are already clocked on this job</source>
        <translation>您已在此作业上开工计时</translation>
    </message>
    <message>
        <location filename="../errors.py" line="123"/>
        <source>You are not clocked on this job</source>
        <translation>您未在此作业上计时</translation>
    </message>
    <message>
        <location filename="../errors.py" line="124"/>
        <source>The quality check has not passed</source>
        <translation>质检未通过</translation>
    </message>
    <message>
        <location filename="../errors.py" line="126"/>
        <source>A handover records who took the car</source>
        <translation>交车需记录提车人</translation>
    </message>
    <message>
        <location filename="../errors.py" line="130"/>
        <source>The car scanned has VIN %1, the work order&apos;s car has %2: scan the right car, or confirm that this scan belongs to this work order</source>
        <translation>扫描到的车辆 VIN 为 %1，工单车辆为 %2：请扫描正确的车辆，或确认此扫描属于本工单</translation>
    </message>
    <message>
        <location filename="../errors.py" line="138"/>
        <source>Clearing would erase codes whose fault was declined or not repaired: %1. Tick the box and tap Clear codes again to clear them anyway</source>
        <translation>清除将抹去客户已拒绝或尚未修复的故障码：%1。如仍要清除，请再次勾选并点击“清除故障码”</translation>
    </message>
    <message>
        <location filename="../errors.py" line="146"/>
        <source>No finding is waiting for the customer&apos;s approval</source>
        <translation>没有等待客户确认的检查发现</translation>
    </message>
    <message>
        <location filename="../errors.py" line="150"/>
        <source>Jobs still clocked on: %1. Clock them off first</source>
        <translation>仍有 %1 项作业在计时中，请先结束计时</translation>
    </message>
    <message>
        <location filename="../errors.py" line="154"/>
        <source>A work order cannot go back to booked</source>
        <translation>工单不能退回到已预约</translation>
    </message>
    <message>
        <location filename="../errors.py" line="157"/>
        <source>Unknown stage %1</source>
        <translation>未知的阶段 %1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="159"/>
        <source>Work order %1 is %2: it takes no more changes</source>
        <translation>工单 %1 已是“%2”，不能再修改</translation>
    </message>
    <message>
        <location filename="../errors.py" line="163"/>
        <source>Check the car in on the check-in form, with its mileage</source>
        <translation>请在接车表单中登记车辆及里程</translation>
    </message>
    <message>
        <location filename="../errors.py" line="167"/>
        <source>Work order %1 is %2, not in repair</source>
        <translation>工单 %1 为“%2”，不在维修中</translation>
    </message>
    <message>
        <location filename="../errors.py" line="171"/>
        <source>No repair on a finding the customer has not approved</source>
        <translation>客户未同意的项目不能开始维修</translation>
    </message>
    <message>
        <location filename="../errors.py" line="175"/>
        <source>Work order %1 is %2, not in quality check</source>
        <translation>工单 %1 为“%2”，不在质检中</translation>
    </message>
    <message>
        <location filename="../errors.py" line="179"/>
        <source>Unknown powertrain %1: use ICE, HEV or EV</source>
        <translation>未知的动力类型 %1：请用 ICE、HEV 或 EV</translation>
    </message>
    <message>
        <location filename="../errors.py" line="182"/>
        <source>Model year %1 is not plausible</source>
        <translation>车型年份 %1 不合理</translation>
    </message>
    <message>
        <location filename="../errors.py" line="184"/>
        <source>Unknown language %1: use zh or en</source>
        <translation>未知的语言 %1：请用 zh 或 en</translation>
    </message>
    <message>
        <location filename="../errors.py" line="188"/>
        <source>Fuel or charge level is a percentage from 0 to 100</source>
        <translation>油量或电量是 0 到 100 之间的百分比</translation>
    </message>
    <message>
        <location filename="../errors.py" line="192"/>
        <source>Estimate line “%1”: the quantity must be more than 0</source>
        <translation>报价项目“%1”：数量必须大于 0</translation>
    </message>
    <message>
        <location filename="../errors.py" line="196"/>
        <source>Estimate line “%1”: the price cannot be negative</source>
        <translation>报价项目“%1”：价格不能为负</translation>
    </message>
    <message>
        <location filename="../errors.py" line="199"/>
        <source>Unknown value %1</source>
        <translation>未知的值 %1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="200"/>
        <source>The signature pad has no size</source>
        <translation>签名板没有尺寸</translation>
    </message>
    <message>
        <location filename="../errors.py" line="202"/>
        <source>Unknown time zone %1: use a name such as Asia/Shanghai</source>
        <translation>未知的时区 %1：请使用标准时区名称，例如“亚洲/上海”</translation>
    </message>
    <message>
        <location filename="../errors.py" line="206"/>
        <source>The price list has no labour rate: set it before pricing an adjustment</source>
        <translation>价目表没有工时费：请先设置工时费再为调整报价</translation>
    </message>
    <message>
        <location filename="../errors.py" line="212"/>
        <source>Measure the alignment on the rig first: there is nothing to propose</source>
        <translation>请先在定位仪上测量四轮定位：目前没有可建议的调整</translation>
    </message>
    <message>
        <location filename="../errors.py" line="218"/>
        <source>Every alignment reading is within its specification: no adjustment</source>
        <translation>所有四轮定位读数都在规格内：无需调整</translation>
    </message>
    <message>
        <location filename="../errors.py" line="224"/>
        <source>The signature is too small: ask the customer to sign across the pad</source>
        <translation>签名太小：请客户在签名板上完整签名</translation>
    </message>
    <message>
        <location filename="../errors.py" line="230"/>
        <source>That signature was given for another work order or a handover: ask the customer to sign for this decision</source>
        <translation>该签名已用于其他工单或交车：请客户为此次决定重新签名</translation>
    </message>
    <message>
        <location filename="../errors.py" line="238"/>
        <source>The customer signed before this finding was added: ask the customer to sign again</source>
        <translation>客户签名时尚未添加此项目：请客户重新签名</translation>
    </message>
    <message>
        <location filename="../errors.py" line="245"/>
        <source>That signature already backs another decision or handover: ask the customer to sign for the car</source>
        <translation>该签名已用于其他决定或交车：请客户为取车重新签名</translation>
    </message>
    <message>
        <location filename="../errors.py" line="253"/>
        <source>Remote approvals arrive only through sync</source>
        <translation>远程确认只能通过同步收到</translation>
    </message>
    <message>
        <location filename="../errors.py" line="257"/>
        <source>Only an advisor records the customer&apos;s decision at the desk</source>
        <translation>只有服务顾问可以在前台记录客户的决定</translation>
    </message>
    <message>
        <location filename="../errors.py" line="261"/>
        <source>A %1 may not record the customer&apos;s decision</source>
        <translation>%1无权记录客户的决定</translation>
    </message>
    <message>
        <location filename="../errors.py" line="265"/>
        <source>A decision at the bay needs the customer&apos;s signature</source>
        <translation>在工位上记录决定需要客户签名</translation>
    </message>
    <message>
        <location filename="../errors.py" line="269"/>
        <source>An approval records who decided</source>
        <translation>确认需要记录决定人</translation>
    </message>
    <message>
        <location filename="../errors.py" line="273"/>
        <source>This finding was withdrawn or replaced: it is no longer offered</source>
        <translation>此项目已撤回或替换，不再提供给客户</translation>
    </message>
    <message>
        <location filename="../errors.py" line="279"/>
        <source>This finding is already approved; an approval is not withdrawn here</source>
        <translation>此项目已获同意；同意不能在此撤回</translation>
    </message>
    <message>
        <location filename="../errors.py" line="285"/>
        <source>This finding was already withdrawn or replaced</source>
        <translation>此项目已被撤回或替换</translation>
    </message>
    <message>
        <location filename="../errors.py" line="289"/>
        <source>Say why the finding is corrected: it stays on record</source>
        <translation>请说明更正原因：原因会留存记录</translation>
    </message>
    <message>
        <location filename="../errors.py" line="293"/>
        <source>The reason is longer than %1 characters</source>
        <translation>原因超过 %1 个字</translation>
    </message>
    <message>
        <location filename="../errors.py" line="297"/>
        <source>The customer approved this finding: it stays as approved; add a new finding for what is different</source>
        <translation>客户已同意此项目，保持同意状态；如有不同请新增检查发现</translation>
    </message>
    <message>
        <location filename="../errors.py" line="305"/>
        <source>This follow-up is already recorded</source>
        <translation>此回访已记录</translation>
    </message>
    <message>
        <location filename="../errors.py" line="309"/>
        <source>This item takes no measurement</source>
        <translation>此项目不需要测量值</translation>
    </message>
    <message>
        <location filename="../errors.py" line="313"/>
        <source>Rate this item: green, amber or red</source>
        <translation>请为此项目评级：绿、黄或红</translation>
    </message>
    <message>
        <location filename="../errors.py" line="316"/>
        <source>A PIN has 4 to 8 digits</source>
        <translation>PIN 码为 4 到 8 位数字</translation>
    </message>
    <message>
        <location filename="../errors.py" line="318"/>
        <location filename="../errors.py" line="738"/>
        <source>That record is not on this station</source>
        <translation>本终端上没有这条记录</translation>
    </message>
    <message>
        <location filename="../errors.py" line="322"/>
        <source>That record belongs to another work order</source>
        <translation>这条记录属于另一张工单</translation>
    </message>
    <message>
        <location filename="../errors.py" line="326"/>
        <source>Search by VIN, the end of a VIN, or plate</source>
        <translation>请按 VIN、VIN 末几位或车牌搜索</translation>
    </message>
    <message>
        <location filename="../errors.py" line="330"/>
        <source>At most %1 characters here (this text has %2)</source>
        <translation>此处最多 %1 个字（当前 %2 个）</translation>
    </message>
    <message>
        <location filename="../errors.py" line="333"/>
        <source>That photo is not on this station</source>
        <translation>本终端上没有这张照片</translation>
    </message>
    <message>
        <location filename="../errors.py" line="335"/>
        <source>A photo belongs to one checklist item or one finding, not both</source>
        <translation>照片只能属于一个检查项目或一个检查发现，不能同时属于两者</translation>
    </message>
    <message>
        <location filename="../errors.py" line="341"/>
        <source>The photo could not be read: take it again</source>
        <translation>照片无法读取：请重新拍摄</translation>
    </message>
    <message>
        <location filename="../errors.py" line="345"/>
        <source>Only an after photo is paired, and with a before photo</source>
        <translation>只有维修后照片可以与维修前照片配对</translation>
    </message>
    <message>
        <location filename="../errors.py" line="349"/>
        <source>The rig sent a reading the station cannot use</source>
        <translation>定位仪发送的读数无法使用</translation>
    </message>
    <message>
        <location filename="../errors.py" line="353"/>
        <source>The alignment specification table is damaged</source>
        <translation>四轮定位规格表已损坏</translation>
    </message>
    <message>
        <location filename="../errors.py" line="357"/>
        <source>No alignment specification for %1</source>
        <translation>没有 %1 的四轮定位规格</translation>
    </message>
    <message>
        <location filename="../errors.py" line="361"/>
        <source>An alignment needs the readings before adjustment</source>
        <translation>四轮定位需要调整前的读数</translation>
    </message>
    <message>
        <location filename="../errors.py" line="365"/>
        <source>This work order is closed: it takes no new measurements</source>
        <translation>此工单已关闭，不能再添加测量</translation>
    </message>
    <message>
        <location filename="../errors.py" line="369"/>
        <source>The live recording is damaged: record it again</source>
        <translation>实时记录已损坏：请重新记录</translation>
    </message>
    <message>
        <location filename="../errors.py" line="373"/>
        <source>Say what the recording is, e.g. rev test</source>
        <translation>请说明记录内容，例如：加速测试</translation>
    </message>
    <message>
        <location filename="../errors.py" line="377"/>
        <source>The scan result is damaged: scan again</source>
        <translation>扫描结果已损坏：请重新扫描</translation>
    </message>
    <message>
        <location filename="../errors.py" line="381"/>
        <source>Clearing trouble codes needs the box ticked first</source>
        <translation>清除故障码前请先勾选确认</translation>
    </message>
    <message>
        <location filename="../errors.py" line="385"/>
        <source>The tax rate is a percentage from 0 to 100 with at most two decimals, not %1</source>
        <translation>税率是 0 到 100 的百分比，最多两位小数，不能是 %1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="391"/>
        <source>At most %1 characters here</source>
        <translation>此处最多 %1 个字</translation>
    </message>
    <message>
        <location filename="../errors.py" line="394"/>
        <source>The workshop needs a name</source>
        <translation>门店需要名称</translation>
    </message>
    <message>
        <location filename="../errors.py" line="396"/>
        <source>The phone number %1 has characters a phone cannot dial</source>
        <translation>电话号码 %1 含有无法拨打的字符</translation>
    </message>
    <message>
        <location filename="../errors.py" line="400"/>
        <source>The currency is a three-letter code such as CNY, not %1</source>
        <translation>货币是三个字母的代码，例如 CNY，不能是 %1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="404"/>
        <source>The logo must be a PNG or JPEG image that opens</source>
        <translation>标志必须是可以打开的 PNG 或 JPEG 图片</translation>
    </message>
    <message>
        <location filename="../errors.py" line="408"/>
        <source>The logo is larger than %1 MB</source>
        <translation>标志图片大于 %1 MB</translation>
    </message>
    <message>
        <location filename="../errors.py" line="412"/>
        <source>That message has not failed: nothing to send again</source>
        <translation>该消息没有发送失败，无需重发</translation>
    </message>
    <message>
        <location filename="../errors.py" line="415"/>
        <source>That is not an e-mail address</source>
        <translation>这不是电子邮箱地址</translation>
    </message>
    <message>
        <location filename="../errors.py" line="416"/>
        <source>A price item needs a code</source>
        <translation>价目项目需要编码</translation>
    </message>
    <message>
        <location filename="../errors.py" line="417"/>
        <source>A price item needs a name</source>
        <translation>价目项目需要名称</translation>
    </message>
    <message>
        <location filename="../errors.py" line="418"/>
        <source>That price is not plausible</source>
        <translation>价格不合理</translation>
    </message>
    <message>
        <location filename="../errors.py" line="420"/>
        <source>A labour operation takes more than 0 and at most 100 hours</source>
        <translation>工时项目须大于 0 且不超过 100 小时</translation>
    </message>
    <message>
        <location filename="../errors.py" line="424"/>
        <source>That labour rate is not plausible</source>
        <translation>工时费不合理</translation>
    </message>
    <message>
        <location filename="../errors.py" line="427"/>
        <source>A canned job needs a name</source>
        <translation>套餐需要名称</translation>
    </message>
    <message>
        <location filename="../errors.py" line="429"/>
        <source>A canned job needs at least one line</source>
        <translation>套餐至少需要一个项目</translation>
    </message>
    <message>
        <location filename="../errors.py" line="433"/>
        <source>%1: the quantity %2 is not plausible</source>
        <translation>%1：数量 %2 不合理</translation>
    </message>
    <message>
        <location filename="../errors.py" line="437"/>
        <source>No price item with code %1</source>
        <translation>没有编码为 %1 的价目项目</translation>
    </message>
    <message>
        <location filename="../errors.py" line="441"/>
        <source>That canned job is no longer on the list</source>
        <translation>该套餐已不在列表中</translation>
    </message>
    <message>
        <location filename="../errors.py" line="444"/>
        <source>Log in as an admin to add users</source>
        <translation>请以管理员身份登录后添加用户</translation>
    </message>
    <message>
        <location filename="../errors.py" line="445"/>
        <source>The first user must be an admin</source>
        <translation>第一个用户必须是管理员</translation>
    </message>
    <message>
        <location filename="../errors.py" line="447"/>
        <source>That recovery code does not unlock an admin of this station</source>
        <translation>该恢复码不能解锁本终端的管理员</translation>
    </message>
    <message>
        <location filename="../errors.py" line="452"/>
        <source>The audit key %1 is missing: restore it from the backup of the keys folder before recording anything</source>
        <translation>审计密钥 %1 缺失：记录任何内容之前，请从密钥文件夹的备份中恢复它</translation>
    </message>
    <message>
        <location filename="../errors.py" line="459"/>
        <source>Cannot open the database %1: %2</source>
        <translation>无法打开数据库 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="463"/>
        <source>Cannot create the database %1: %2</source>
        <translation>无法创建数据库 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="467"/>
        <source>Cannot read the database %1: %2 (is the disk full or failing?)</source>
        <translation>无法读取数据库 %1：%2（磁盘是否已满或出现故障？）</translation>
    </message>
    <message>
        <location filename="../errors.py" line="473"/>
        <source>%1 is not a usable station database: %2. Nothing was changed: restore a backup, or move the file away and set the station up again</source>
        <translation>%1 不是可用的终端数据库：%2。未做任何更改：请恢复备份，或将该文件移走后重新设置本终端</translation>
    </message>
    <message>
        <location filename="../errors.py" line="480"/>
        <source>%1 is not a usable station database: %2</source>
        <translation>%1 不是可用的终端数据库：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="484"/>
        <source>Not upgrading the database without a backup: %1</source>
        <translation>没有备份，不升级数据库：%1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="488"/>
        <source>A change is already being recorded on this thread</source>
        <translation>此线程上已有一项更改正在记录</translation>
    </message>
    <message>
        <location filename="../errors.py" line="492"/>
        <source>Cannot back up %1: %2</source>
        <translation>无法备份 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="495"/>
        <source>The backup %1 already exists</source>
        <translation>备份 %1 已存在</translation>
    </message>
    <message>
        <location filename="../errors.py" line="497"/>
        <source>The backup copy failed its check: %1</source>
        <translation>备份副本未通过检查：%1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="501"/>
        <source>Cannot write the backup %1: %2</source>
        <translation>无法写入备份 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="505"/>
        <source>The station is in use (the app, a sync or another command has its database open): close it, then restore</source>
        <translation>终端正在使用中（应用、同步或其他命令打开了它的数据库）：请先关闭，再恢复</translation>
    </message>
    <message>
        <location filename="../errors.py" line="512"/>
        <source>The restored database failed its check: %1</source>
        <translation>恢复后的数据库未通过检查：%1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="516"/>
        <source>Cannot restore %1 into %2: %3</source>
        <translation>无法将 %1 恢复到 %2：%3</translation>
    </message>
    <message>
        <location filename="../errors.py" line="520"/>
        <source>The setting %1 must be a whole number, not %2</source>
        <translation>设置 %1 必须是整数，而不是 %2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="524"/>
        <source>The configuration file %1 is not valid TOML: %2</source>
        <translation>配置文件 %1 不是有效的 TOML：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="528"/>
        <source>The configuration file %1 does not exist</source>
        <translation>配置文件 %1 不存在</translation>
    </message>
    <message>
        <location filename="../errors.py" line="531"/>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="532"/>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="534"/>
        <source>The audit key %1 is damaged: restore it from the backup of the keys folder</source>
        <translation>审计密钥 %1 已损坏：请从密钥文件夹的备份中恢复它</translation>
    </message>
    <message>
        <location filename="../errors.py" line="539"/>
        <source>%1 already holds an audit key</source>
        <translation>%1 已有审计密钥</translation>
    </message>
    <message>
        <location filename="../errors.py" line="541"/>
        <source>HTTPS needs both a certificate and its key (--cert and --key)</source>
        <translation>HTTPS 需要证书及其密钥（--cert 和 --key）</translation>
    </message>
    <message>
        <location filename="../errors.py" line="547"/>
        <source>Give the first admin&apos;s PIN (--admin-pin or STATION_ADMIN_PIN)</source>
        <translation>请提供第一位管理员的 PIN（--admin-pin 或 STATION_ADMIN_PIN）</translation>
    </message>
    <message>
        <location filename="../errors.py" line="553"/>
        <source>No workshop hub in %1: set one up first (station hub init)</source>
        <translation>%1 中没有车间服务器：请先设置车间服务器</translation>
    </message>
    <message>
        <location filename="../errors.py" line="556"/>
        <source>A workshop hub already exists in %1</source>
        <translation>%1 中已有车间服务器</translation>
    </message>
    <message>
        <location filename="../errors.py" line="557"/>
        <source>No terminal named %1</source>
        <translation>没有名为 %1 的终端</translation>
    </message>
    <message>
        <location filename="../errors.py" line="559"/>
        <source>%1 is the name of the workshop&apos;s hub: give the terminal another</source>
        <translation>%1 是车间服务器的名称：请给终端另取一个名称</translation>
    </message>
    <message>
        <location filename="../errors.py" line="565"/>
        <source>Work order %1 has no customer</source>
        <translation>工单 %1 没有客户</translation>
    </message>
    <message>
        <location filename="../errors.py" line="569"/>
        <source>Customer %1 does not exist</source>
        <translation>客户 %1 不存在</translation>
    </message>
    <message>
        <location filename="../errors.py" line="573"/>
        <source>Sending by SMTP needs a sender address (--from)</source>
        <translation>通过 SMTP 发送需要发件人地址（--from）</translation>
    </message>
    <message>
        <location filename="../errors.py" line="577"/>
        <source>Say how to send: --smtp HOST:PORT --from ADDRESS, or --webhook URL</source>
        <translation>请说明发送方式：--smtp 主机:端口 --from 地址，或 --webhook 网址</translation>
    </message>
    <message>
        <location filename="../errors.py" line="582"/>
        <source>%1 is not a PIN key</source>
        <translation>%1 不是 PIN 码密钥</translation>
    </message>
    <message>
        <location filename="../errors.py" line="583"/>
        <source>The hub&apos;s PIN key is too short</source>
        <translation>车间服务器发来的 PIN 码密钥太短</translation>
    </message>
    <message>
        <location filename="../errors.py" line="585"/>
        <source>%1 holds another PIN key than the workshop&apos;s: a terminal joins with a fresh data folder</source>
        <translation>%1 中的 PIN 码密钥与车间的不同：终端须用新的数据文件夹加入</translation>
    </message>
    <message>
        <location filename="../errors.py" line="592"/>
        <source>The station&apos;s PIN key (%1) is missing: restore it from where the keys folder was copied; until then no PIN can be checked, and an admin gets back in with the recovery code</source>
        <translation>终端的 PIN 码密钥（%1）缺失：请从密钥文件夹的副本中恢复；在此之前无法核对任何 PIN 码，管理员可用恢复码重新登录</translation>
    </message>
    <message>
        <location filename="../errors.py" line="598"/>
        <source>Unknown PIN hash version %1</source>
        <translation>未知的 PIN 码散列版本 %1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="600"/>
        <source>Work order %1 changed while it was being moved</source>
        <translation>工单 %1 在变更阶段时被其他操作修改</translation>
    </message>
    <message>
        <location filename="../errors.py" line="604"/>
        <source>%1 is not installed</source>
        <translation>未安装 %1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="606"/>
        <source>Cannot open CAN %1 %2: %3</source>
        <translation>无法打开 CAN %1 %2：%3</translation>
    </message>
    <message>
        <location filename="../errors.py" line="610"/>
        <source>The CAN bus refused a frame: %1</source>
        <translation>CAN 总线拒绝发送一帧：%1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="613"/>
        <source>The CAN bus went away: %1</source>
        <translation>CAN 总线已断开：%1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="615"/>
        <source>No control unit answered on CAN %1 %2 (11/29-bit, 500/250 kbit/s)</source>
        <translation>CAN %1 %2 上没有控制单元应答（已试 11/29 位标识符，500/250 千比特每秒）</translation>
    </message>
    <message>
        <location filename="../errors.py" line="621"/>
        <source>Cannot open the serial port %1: %2</source>
        <translation>无法打开串口 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="625"/>
        <source>No ELM327 prompt on %1 at %2 baud</source>
        <translation>%1 上的 ELM327 在 %2 波特率下都没有应答</translation>
    </message>
    <message>
        <location filename="../errors.py" line="629"/>
        <source>The adapter gave no prompt after %1 within %2 s</source>
        <translation>适配器在 %1 之后 %2 秒内没有应答</translation>
    </message>
    <message>
        <location filename="../errors.py" line="632"/>
        <source>The ELM327 adapter went away: %1</source>
        <translation>ELM327 适配器已断开：%1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="634"/>
        <source>The adapter refused %1: %2</source>
        <translation>适配器拒绝了 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="638"/>
        <source>The adapter found no vehicle on any protocol</source>
        <translation>适配器在所有协议上都没有找到车辆</translation>
    </message>
    <message>
        <location filename="../errors.py" line="642"/>
        <source>The simulated camera&apos;s size %1 is not WIDTHxHEIGHT</source>
        <translation>模拟相机的尺寸 %1 不是“宽x高”</translation>
    </message>
    <message>
        <location filename="../errors.py" line="645"/>
        <source>%1 does not exist</source>
        <translation>%1 不存在</translation>
    </message>
    <message>
        <location filename="../errors.py" line="646"/>
        <source>The camera cannot be opened</source>
        <translation>无法打开相机</translation>
    </message>
    <message>
        <location filename="../errors.py" line="647"/>
        <source>The camera is not open</source>
        <translation>相机未打开</translation>
    </message>
    <message>
        <location filename="../errors.py" line="648"/>
        <source>The video has no more frames</source>
        <translation>视频没有更多画面了</translation>
    </message>
    <message>
        <location filename="../errors.py" line="649"/>
        <source>The camera gives no frames</source>
        <translation>相机没有画面</translation>
    </message>
    <message>
        <location filename="../errors.py" line="650"/>
        <source>The camera is not connected</source>
        <translation>相机未连接</translation>
    </message>
    <message>
        <location filename="../errors.py" line="651"/>
        <source>The camera was closed</source>
        <translation>相机已关闭</translation>
    </message>
    <message>
        <location filename="../errors.py" line="652"/>
        <source>The camera was unplugged</source>
        <translation>相机已拔出</translation>
    </message>
    <message>
        <location filename="../errors.py" line="653"/>
        <source>No picture from the camera</source>
        <translation>相机没有传来画面</translation>
    </message>
    <message>
        <location filename="../errors.py" line="655"/>
        <source>The given serial port is closed and cannot be reopened here</source>
        <translation>给定的串口已关闭，无法在此重新打开</translation>
    </message>
    <message>
        <location filename="../errors.py" line="658"/>
        <source>The rig&apos;s connection is not open</source>
        <translation>定位仪的连接未打开</translation>
    </message>
    <message>
        <location filename="../errors.py" line="660"/>
        <source>The rig&apos;s port %1 failed: %2</source>
        <translation>定位仪端口 %1 出错：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="664"/>
        <source>Cannot open the rig&apos;s CAN bus %1: %2</source>
        <translation>无法打开定位仪的 CAN 总线 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="667"/>
        <source>The rig&apos;s CAN bus failed: %1</source>
        <translation>定位仪的 CAN 总线出错：%1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="668"/>
        <source>The alignment reading was cancelled</source>
        <translation>四轮定位读取已取消</translation>
    </message>
    <message>
        <location filename="../errors.py" line="670"/>
        <source>No whole alignment session from the rig in %1 s</source>
        <translation>%1 秒内没有收到定位仪的完整测量</translation>
    </message>
    <message>
        <location filename="../errors.py" line="674"/>
        <source>The rig went away and did not come back within %1 s: %2</source>
        <translation>定位仪已断开，%1 秒内没有恢复：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="678"/>
        <source>The %1 rig backend needs %2</source>
        <translation>%1 定位仪后端需要 %2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="682"/>
        <source>Unknown rig backend %1; known: %2</source>
        <translation>未知的定位仪后端 %1；已知：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="686"/>
        <source>The %1 rig backend cannot be loaded: %2</source>
        <translation>无法加载 %1 定位仪后端：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="690"/>
        <source>The rig backend %1 is not an alignment rig</source>
        <translation>定位仪后端 %1 不是四轮定位仪</translation>
    </message>
    <message>
        <location filename="../errors.py" line="693"/>
        <source>The camera failed: %1</source>
        <translation>相机出错：%1</translation>
    </message>
    <message>
        <location filename="../errors.py" line="695"/>
        <source>The camera gave no frame for %1 s</source>
        <translation>相机 %1 秒没有画面</translation>
    </message>
    <message>
        <location filename="../errors.py" line="699"/>
        <source>Control unit %1 stopped answering live data</source>
        <translation>控制单元 %1 不再应答实时数据</translation>
    </message>
    <message>
        <location filename="../errors.py" line="703"/>
        <source>No control unit answered the first request: is the ignition on?</source>
        <translation>没有控制单元应答第一个请求：点火开关打开了吗？</translation>
    </message>
    <message>
        <location filename="../errors.py" line="709"/>
        <source>The watched folder %1 does not exist</source>
        <translation>监视的文件夹 %1 不存在</translation>
    </message>
    <message>
        <location filename="../errors.py" line="713"/>
        <source>No measurement file appeared in %1 in %2 s</source>
        <translation>%2 秒内 %1 中没有出现测量文件</translation>
    </message>
    <message>
        <location filename="../errors.py" line="717"/>
        <source>The rig&apos;s DBC file %1 cannot be read: %2</source>
        <translation>无法读取定位仪的 DBC 文件 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="721"/>
        <source>The broadcast stopped: the bus refused %1: %2</source>
        <translation>广播已停止：总线拒绝了 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="725"/>
        <source>The ECU simulator needs %1: %2</source>
        <translation>ECU 模拟器需要 %1：%2</translation>
    </message>
    <message>
        <location filename="../errors.py" line="732"/>
        <source>technician</source>
        <translation>技师</translation>
    </message>
    <message>
        <location filename="../errors.py" line="733"/>
        <source>advisor</source>
        <translation>服务顾问</translation>
    </message>
    <message>
        <location filename="../errors.py" line="734"/>
        <source>admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../errors.py" line="739"/>
        <source>Your role may not do this</source>
        <translation>您的角色无权执行此操作</translation>
    </message>
    <message>
        <location filename="../errors.py" line="741"/>
        <source>The work order&apos;s stage does not allow this now</source>
        <translation>工单当前阶段不允许此操作</translation>
    </message>
    <message>
        <location filename="../errors.py" line="744"/>
        <source>A signed or issued record is not changed</source>
        <translation>已签名或已出具的记录不能修改</translation>
    </message>
    <message>
        <location filename="../errors.py" line="746"/>
        <source>The station refused this</source>
        <translation>终端拒绝了此操作</translation>
    </message>
    <message>
        <location filename="../errors.py" line="99"/>
        <source>%1 is not an e-mail address (like name@example.com)</source>
        <translation>%1 不是有效的电子邮箱地址（例如 name@example.com）</translation>
    </message>
    <message>
        <location filename="../errors.py" line="39"/>
        <source>A %1 may not do this</source>
        <translation>%1无权执行此操作</translation>
    </message>
    <message>
        <location filename="../errors.py" line="103"/>
        <source>%1 is not a phone number (digits, with + for another country)</source>
        <translation>%1 不是有效的电话号码（数字，其他国家请加 +）</translation>
    </message>
</context>
<context>
    <name>FindingsView</name>
    <message>
        <location filename="../findings_view.py" line="133"/>
        <source>What was found (the customer reads this)</source>
        <translation>发现的问题（客户可见）</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="134"/>
        <source>Recommended job</source>
        <translation>建议作业</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="135"/>
        <source>Part or labour</source>
        <translation>配件或工时</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="142"/>
        <source>Add finding</source>
        <translation>添加检查发现</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="143"/>
        <source>Send for approval</source>
        <translation>提交客户确认</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="145"/>
        <source>Why the selected finding is corrected (kept on record)</source>
        <translation>更正所选发现的原因（将留档）</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="147"/>
        <source>Withdraw selected</source>
        <translation>撤回所选</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="148"/>
        <source>Replace selected with the form</source>
        <translation>用表单内容替换所选</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="151"/>
        <source>Urgent (safety)</source>
        <translation>紧急（安全）</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="152"/>
        <source>Soon</source>
        <translation>尽快</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="153"/>
        <source>Advisory</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="179"/>
        <source>Finding</source>
        <translation>检查发现</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="179"/>
        <source>Severity</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="179"/>
        <source>Estimate</source>
        <translation>报价</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="179"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="196"/>
        <source>withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="198"/>
        <source>replaced</source>
        <translation>已替换</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="204"/>
        <source>Choose a finding in the list first</source>
        <translation>请先在列表中选择一项发现</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="220"/>
        <source>Finding withdrawn; it stays on record</source>
        <translation>发现已撤回，记录仍保留</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="238"/>
        <source>Finding replaced; the first one stays on record</source>
        <translation>发现已替换，原记录仍保留</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="256"/>
        <source>Other (typed by hand)</source>
        <translation>其他（手工填写）</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="312"/>
        <source>Pick from the price list</source>
        <translation>从价目表选择</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="318"/>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="335"/>
        <source>Pick a line from the price list first</source>
        <translation>请先从价目表选择一项</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="355"/>
        <source>Describe the part or labour first</source>
        <translation>请先填写配件或工时说明</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="372"/>
        <source>Line</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="136"/>
        <location filename="../findings_view.py" line="372"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="132"/>
        <source>Findings</source>
        <translation>检查发现</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="137"/>
        <location filename="../findings_view.py" line="372"/>
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="138"/>
        <source>Labour</source>
        <translation>工时</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="139"/>
        <source>Part</source>
        <translation>配件</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="140"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="372"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../findings_view.py" line="384"/>
        <source>Estimate: %1</source>
        <translation>报价：%1</translation>
    </message>
</context>
<context>
    <name>FollowUp</name>
    <message>
        <location filename="../texts.py" line="153"/>
        <source>call after 1 day</source>
        <translation>1 天后回访</translation>
    </message>
    <message>
        <location filename="../texts.py" line="154"/>
        <source>call after 7 days</source>
        <translation>7 天后回访</translation>
    </message>
</context>
<context>
    <name>InspectionView</name>
    <message>
        <location filename="../inspection.py" line="77"/>
        <source>Tyres</source>
        <translation>轮胎</translation>
    </message>
    <message>
        <location filename="../inspection.py" line="78"/>
        <source>Brakes</source>
        <translation>制动</translation>
    </message>
    <message>
        <location filename="../inspection.py" line="79"/>
        <source>12 V battery</source>
        <translation>12V 蓄电池</translation>
    </message>
    <message>
        <location filename="../inspection.py" line="80"/>
        <source>Fluids</source>
        <translation>油液</translation>
    </message>
    <message>
        <location filename="../inspection.py" line="81"/>
        <source>Lights and wipers</source>
        <translation>灯光与雨刮</translation>
    </message>
    <message>
        <location filename="../inspection.py" line="82"/>
        <source>Underbody</source>
        <translation>底盘</translation>
    </message>
    <message>
        <location filename="../inspection.py" line="83"/>
        <source>High voltage</source>
        <translation>高压系统</translation>
    </message>
    <message>
        <location filename="../inspection.py" line="90"/>
        <source>Tap “Measure” on an item, type the value, press OK</source>
        <translation>点击项目的“测量”，输入数值，按确定</translation>
    </message>
    <message>
        <location filename="../inspection.py" line="181"/>
        <source>last: %1</source>
        <translation>上次：%1</translation>
    </message>
    <message>
        <location filename="../inspection.py" line="193"/>
        <source>Measure</source>
        <translation>测量</translation>
    </message>
    <message>
        <location filename="../inspection.py" line="206"/>
        <source>Photo</source>
        <translation>拍照</translation>
    </message>
</context>
<context>
    <name>JoinForm</name>
    <message>
        <location filename="../setup.py" line="398"/>
        <source>Leave both empty to work on its own; join later in Settings.</source>
        <translation>两项留空则单机使用；之后可在设置中加入。</translation>
    </message>
    <message>
        <location filename="../setup.py" line="399"/>
        <source>Hub or cloud address</source>
        <translation>车间服务器或云端地址</translation>
    </message>
    <message>
        <location filename="../setup.py" line="400"/>
        <source>Enrolment code</source>
        <translation>注册码</translation>
    </message>
</context>
<context>
    <name>KeypadPopup</name>
    <message>
        <location filename="../widgets/keypad.py" line="131"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message>
        <location filename="../login.py" line="68"/>
        <source>Bay Station — log in</source>
        <translation>工位终端 — 登录</translation>
    </message>
    <message>
        <location filename="../login.py" line="69"/>
        <source>Tap your name, then enter your PIN</source>
        <translation>点击您的名字，然后输入 PIN 码</translation>
    </message>
    <message>
        <location filename="../login.py" line="103"/>
        <source>Tap your name first</source>
        <translation>请先点击您的名字</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../shell.py" line="201"/>
        <source>My queue</source>
        <translation>我的队列</translation>
    </message>
    <message>
        <location filename="../shell.py" line="202"/>
        <source>Work order</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../shell.py" line="203"/>
        <source>Workshop board</source>
        <translation>车间看板</translation>
    </message>
    <message>
        <location filename="../shell.py" line="204"/>
        <source>Approvals</source>
        <translation>客户确认</translation>
    </message>
    <message>
        <location filename="../shell.py" line="205"/>
        <source>Health report</source>
        <translation>健康报告</translation>
    </message>
    <message>
        <location filename="../shell.py" line="206"/>
        <source>Delivery</source>
        <translation>交车与回访</translation>
    </message>
    <message>
        <location filename="../shell.py" line="207"/>
        <source>Appointments</source>
        <translation>预约</translation>
    </message>
    <message>
        <location filename="../shell.py" line="208"/>
        <source>Walk-in</source>
        <translation>散客登记</translation>
    </message>
    <message>
        <location filename="../shell.py" line="209"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../shell.py" line="244"/>
        <source>Bay Station</source>
        <translation>工位终端</translation>
    </message>
    <message>
        <location filename="../shell.py" line="248"/>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../shell.py" line="256"/>
        <source>technician</source>
        <translation>技师</translation>
    </message>
    <message>
        <location filename="../shell.py" line="257"/>
        <source>advisor</source>
        <translation>服务顾问</translation>
    </message>
    <message>
        <location filename="../shell.py" line="258"/>
        <source>admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../shell.py" line="265"/>
        <source>No work order open</source>
        <translation>未打开工单</translation>
    </message>
    <message>
        <location filename="../shell.py" line="329"/>
        <source>Sync is not configured on this station</source>
        <translation>本终端未配置同步</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../messages_view.py" line="35"/>
        <source>tracker link</source>
        <translation>进度链接</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="36"/>
        <source>waiting for decision</source>
        <translation>等待决定</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="37"/>
        <source>ready for pick-up</source>
        <translation>可以取车</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="38"/>
        <source>day-1 question</source>
        <translation>次日回访</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="39"/>
        <source>day-7 check</source>
        <translation>七日回访</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="40"/>
        <source>service reminder</source>
        <translation>保养提醒</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="47"/>
        <source>queued</source>
        <translation>待发送</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="48"/>
        <source>sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="49"/>
        <source>sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="50"/>
        <source>failed</source>
        <translation>发送失败</translation>
    </message>
    <message>
        <location filename="../messages_view.py" line="51"/>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
</context>
<context>
    <name>NumericKeypad</name>
    <message>
        <location filename="../widgets/keypad.py" line="71"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../widgets/keypad.py" line="72"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../widgets/keyboard.py" line="170"/>
        <source>space</source>
        <translation>空格</translation>
    </message>
    <message>
        <location filename="../widgets/keyboard.py" line="171"/>
        <source>Hide</source>
        <translation>收起</translation>
    </message>
</context>
<context>
    <name>Photos</name>
    <message>
        <location filename="../photo_capture.py" line="68"/>
        <source>No camera is connected</source>
        <translation>未连接相机</translation>
    </message>
</context>
<context>
    <name>Prediagnosis</name>
    <message>
        <location filename="../texts.py" line="91"/>
        <source>Codes seen remotely: %1</source>
        <translation>远程发现的故障码：%1</translation>
    </message>
    <message>
        <location filename="../texts.py" line="94"/>
        <source>Parts reserved: %1</source>
        <translation>已预留配件：%1</translation>
    </message>
    <message>
        <location filename="../texts.py" line="87"/>
        <location filename="../texts.py" line="97"/>
        <source>Pre-diagnosis: %1</source>
        <translation>预诊断：%1</translation>
    </message>
</context>
<context>
    <name>ProfileForm</name>
    <message>
        <location filename="../setup.py" line="151"/>
        <source>Time zone of the reports</source>
        <translation>报告时间所用时区</translation>
    </message>
    <message>
        <location filename="../setup.py" line="155"/>
        <source>This machine&apos;s</source>
        <translation>本机时区</translation>
    </message>
    <message>
        <location filename="../setup.py" line="144"/>
        <source>Workshop name</source>
        <translation>门店名称</translation>
    </message>
    <message>
        <location filename="../setup.py" line="145"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../setup.py" line="146"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../setup.py" line="147"/>
        <source>Tax id</source>
        <translation>税号</translation>
    </message>
    <message>
        <location filename="../setup.py" line="148"/>
        <source>Currency</source>
        <translation>货币</translation>
    </message>
    <message>
        <location filename="../setup.py" line="149"/>
        <source>Tax rate</source>
        <translation>税率</translation>
    </message>
    <message>
        <location filename="../setup.py" line="150"/>
        <source>Customers&apos; language</source>
        <translation>客户默认语言</translation>
    </message>
    <message>
        <location filename="../setup.py" line="156"/>
        <source>Tax rate (%)</source>
        <translation>税率（%）</translation>
    </message>
    <message>
        <location filename="../setup.py" line="158"/>
        <source>Choose the logo (PNG or JPEG)</source>
        <translation>选择标志（PNG 或 JPEG）</translation>
    </message>
    <message>
        <location filename="../setup.py" line="160"/>
        <source>Logo chosen: tap to change</source>
        <translation>已选标志：点击更换</translation>
    </message>
    <message>
        <location filename="../setup.py" line="179"/>
        <source>The workshop&apos;s logo</source>
        <translation>门店标志</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <location filename="../queue.py" line="101"/>
        <source>Cars in the workshop</source>
        <translation>在店车辆</translation>
    </message>
    <message>
        <location filename="../queue.py" line="102"/>
        <source>VIN, plate or work order number</source>
        <translation>VIN、车牌或工单号</translation>
    </message>
    <message>
        <location filename="../queue.py" line="103"/>
        <source>Read VIN from the car</source>
        <translation>从车辆读取 VIN</translation>
    </message>
    <message>
        <location filename="../queue.py" line="104"/>
        <source>Open or start work order</source>
        <translation>打开或新建工单</translation>
    </message>
    <message>
        <location filename="../queue.py" line="105"/>
        <source>Open the selected work order</source>
        <translation>打开所选工单</translation>
    </message>
    <message numerus="yes">
        <location filename="../queue.py" line="111"/>
        <source>%n approved, ready to start</source>
        <translation>
            <numerusform>%n 项已批准，可以开工</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../queue.py" line="120"/>
        <source>The customer approved work on %1 (%2): ready to start</source>
        <translation>客户已批准 %1（%2）的维修项目：可以开工</translation>
    </message>
    <message>
        <location filename="../queue.py" line="135"/>
        <source>Work order</source>
        <translation>工单</translation>
    </message>
    <message>
        <location filename="../queue.py" line="136"/>
        <source>Plate</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../queue.py" line="137"/>
        <source>Car</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../queue.py" line="138"/>
        <source>Bay</source>
        <translation>工位</translation>
    </message>
    <message>
        <location filename="../queue.py" line="139"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../queue.py" line="140"/>
        <source>In stage</source>
        <translation>本阶段用时</translation>
    </message>
    <message>
        <location filename="../queue.py" line="162"/>
        <source>Choose a work order first</source>
        <translation>请先选择工单</translation>
    </message>
    <message>
        <location filename="../queue.py" line="170"/>
        <source>No vehicle interface is connected</source>
        <translation>未连接车辆诊断接口</translation>
    </message>
    <message>
        <location filename="../queue.py" line="182"/>
        <source>The car did not give its VIN</source>
        <translation>车辆未返回 VIN</translation>
    </message>
    <message>
        <location filename="../queue.py" line="193"/>
        <source>Type or read a VIN, plate or work order number first</source>
        <translation>请先输入或读取 VIN、车牌或工单号</translation>
    </message>
    <message>
        <location filename="../queue.py" line="239"/>
        <location filename="../queue.py" line="277"/>
        <source>The workshop has no work order %1</source>
        <translation>车间没有工单 %1</translation>
    </message>
    <message>
        <location filename="../queue.py" line="313"/>
        <source>Not kept on this terminal: fetching %1 from the hub…</source>
        <translation>本终端未保存：正在从车间服务器获取 %1…</translation>
    </message>
    <message>
        <location filename="../queue.py" line="316"/>
        <source>The hub cannot be reached, so %1 cannot be fetched: closed work is kept at the hub. Try again when the network is back.</source>
        <translation>无法连接车间服务器，暂时无法获取 %1：已结束的工单保存在车间服务器上。请在网络恢复后重试。</translation>
    </message>
    <message>
        <location filename="../queue.py" line="219"/>
        <source>No car with this VIN or plate: the desk registers new cars</source>
        <translation>没有此 VIN 或车牌的车辆：新车请在前台登记</translation>
    </message>
</context>
<context>
    <name>Rating</name>
    <message>
        <location filename="../texts.py" line="57"/>
        <source>OK</source>
        <translation>良好</translation>
    </message>
    <message>
        <location filename="../texts.py" line="58"/>
        <source>soon</source>
        <translation>尽快</translation>
    </message>
    <message>
        <location filename="../texts.py" line="59"/>
        <source>urgent</source>
        <translation>紧急</translation>
    </message>
</context>
<context>
    <name>Readiness</name>
    <message>
        <location filename="../texts.py" line="103"/>
        <source>Misfire</source>
        <translation>失火</translation>
    </message>
    <message>
        <location filename="../texts.py" line="104"/>
        <source>Fuel system</source>
        <translation>燃油系统</translation>
    </message>
    <message>
        <location filename="../texts.py" line="105"/>
        <source>Components</source>
        <translation>综合部件</translation>
    </message>
    <message>
        <location filename="../texts.py" line="106"/>
        <source>Catalyst</source>
        <translation>催化器</translation>
    </message>
    <message>
        <location filename="../texts.py" line="107"/>
        <source>Heated catalyst</source>
        <translation>加热型催化器</translation>
    </message>
    <message>
        <location filename="../texts.py" line="108"/>
        <source>Evaporative system</source>
        <translation>蒸发排放系统</translation>
    </message>
    <message>
        <location filename="../texts.py" line="109"/>
        <source>Secondary air</source>
        <translation>二次空气</translation>
    </message>
    <message>
        <location filename="../texts.py" line="110"/>
        <source>A/C refrigerant</source>
        <translation>空调制冷剂</translation>
    </message>
    <message>
        <location filename="../texts.py" line="111"/>
        <source>Oxygen sensor</source>
        <translation>氧传感器</translation>
    </message>
    <message>
        <location filename="../texts.py" line="112"/>
        <source>Oxygen sensor heater</source>
        <translation>氧传感器加热器</translation>
    </message>
    <message>
        <location filename="../texts.py" line="113"/>
        <source>EGR system</source>
        <translation>废气再循环系统</translation>
    </message>
    <message>
        <location filename="../texts.py" line="114"/>
        <source>NMHC catalyst</source>
        <translation>非甲烷烃催化器</translation>
    </message>
    <message>
        <location filename="../texts.py" line="115"/>
        <source>NOx / SCR</source>
        <translation>氮氧化物 / SCR</translation>
    </message>
    <message>
        <location filename="../texts.py" line="116"/>
        <source>Boost pressure</source>
        <translation>增压压力</translation>
    </message>
    <message>
        <location filename="../texts.py" line="117"/>
        <source>Exhaust gas sensor</source>
        <translation>排气传感器</translation>
    </message>
    <message>
        <location filename="../texts.py" line="118"/>
        <source>Particulate filter</source>
        <translation>颗粒捕集器</translation>
    </message>
    <message>
        <location filename="../texts.py" line="119"/>
        <source>EGR / VVT</source>
        <translation>废气再循环 / 可变气门</translation>
    </message>
    <message>
        <location filename="../texts.py" line="128"/>
        <source>on</source>
        <translation>亮</translation>
    </message>
    <message>
        <location filename="../texts.py" line="128"/>
        <source>off</source>
        <translation>灭</translation>
    </message>
    <message>
        <location filename="../texts.py" line="129"/>
        <source>Check-engine light</source>
        <translation>故障指示灯</translation>
    </message>
    <message>
        <location filename="../texts.py" line="131"/>
        <source>Codes the ECU counts</source>
        <translation>控制单元记录的故障码数</translation>
    </message>
    <message>
        <location filename="../texts.py" line="134"/>
        <source>spark</source>
        <translation>点燃式</translation>
    </message>
    <message>
        <location filename="../texts.py" line="135"/>
        <source>compression (diesel)</source>
        <translation>压燃式（柴油）</translation>
    </message>
    <message>
        <location filename="../texts.py" line="138"/>
        <source>Ignition</source>
        <translation>点火方式</translation>
    </message>
    <message>
        <location filename="../texts.py" line="141"/>
        <source>complete</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../texts.py" line="142"/>
        <source>not yet complete</source>
        <translation>尚未完成</translation>
    </message>
</context>
<context>
    <name>RepairView</name>
    <message>
        <location filename="../repair.py" line="79"/>
        <source>Jobs</source>
        <translation>作业</translation>
    </message>
    <message>
        <location filename="../repair.py" line="80"/>
        <source>Clock on</source>
        <translation>开始计时</translation>
    </message>
    <message>
        <location filename="../repair.py" line="81"/>
        <source>Clock off</source>
        <translation>停止计时</translation>
    </message>
    <message>
        <location filename="../repair.py" line="82"/>
        <source>After photo (the before photo shows as a ghost)</source>
        <translation>修后照片（修前照片以半透明叠加显示）</translation>
    </message>
    <message>
        <location filename="../repair.py" line="83"/>
        <source>Take after photo</source>
        <translation>拍修后照片</translation>
    </message>
    <message>
        <location filename="../repair.py" line="84"/>
        <location filename="../repair.py" line="125"/>
        <source>Quality check</source>
        <translation>质检</translation>
    </message>
    <message>
        <location filename="../repair.py" line="85"/>
        <source>Road test, codes, torque…</source>
        <translation>路试、故障码、扭矩…</translation>
    </message>
    <message>
        <location filename="../repair.py" line="86"/>
        <source>Passed</source>
        <translation>合格</translation>
    </message>
    <message>
        <location filename="../repair.py" line="87"/>
        <source>Failed</source>
        <translation>不合格</translation>
    </message>
    <message>
        <location filename="../repair.py" line="88"/>
        <source>No camera</source>
        <translation>无相机</translation>
    </message>
    <message>
        <location filename="../repair.py" line="106"/>
        <source>Job</source>
        <translation>作业</translation>
    </message>
    <message>
        <location filename="../repair.py" line="106"/>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../repair.py" line="106"/>
        <source>Clock</source>
        <translation>计时</translation>
    </message>
    <message>
        <location filename="../repair.py" line="106"/>
        <source>Minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <location filename="../repair.py" line="110"/>
        <source>finding</source>
        <translation>检查发现</translation>
    </message>
    <message>
        <location filename="../repair.py" line="110"/>
        <source>booked</source>
        <translation>预约</translation>
    </message>
    <message>
        <location filename="../repair.py" line="111"/>
        <source>on</source>
        <translation>计时中</translation>
    </message>
    <message>
        <location filename="../repair.py" line="127"/>
        <source>passed</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../repair.py" line="127"/>
        <source>failed</source>
        <translation>未通过</translation>
    </message>
    <message>
        <location filename="../repair.py" line="128"/>
        <source>%1 at %2</source>
        <translation>%2 %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../repair.py" line="140"/>
        <source>%n after photo(s)</source>
        <translation>
            <numerusform>%n 张修后照片</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../repair.py" line="193"/>
        <source>Choose a job first</source>
        <translation>请先选择作业</translation>
    </message>
    <message>
        <location filename="../repair.py" line="227"/>
        <source>The quality check is already recorded as passed</source>
        <translation>质检已记录为通过</translation>
    </message>
    <message>
        <location filename="../repair.py" line="229"/>
        <source>The quality check is already recorded as failed</source>
        <translation>质检已记录为未通过</translation>
    </message>
    <message>
        <location filename="../repair.py" line="233"/>
        <source>Quality check passed: recorded</source>
        <translation>质检通过：已记录</translation>
    </message>
    <message>
        <location filename="../repair.py" line="235"/>
        <source>Quality check failed: recorded, the car goes back to repair</source>
        <translation>质检未通过：已记录，车辆返回维修</translation>
    </message>
</context>
<context>
    <name>ReportView</name>
    <message>
        <location filename="../report_view.py" line="122"/>
        <source>Chinese</source>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="122"/>
        <source>English</source>
        <translation>英文</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="124"/>
        <source>Report in %1</source>
        <translation>报告语言：%1</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="113"/>
        <source>Health report</source>
        <translation>健康报告</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="114"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="115"/>
        <source>Issue and sign</source>
        <translation>出具并签名</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="116"/>
        <source>Verify signature</source>
        <translation>验证签名</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="117"/>
        <source>Print</source>
        <translation>打印</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="118"/>
        <source>Export PDF</source>
        <translation>导出 PDF</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="162"/>
        <source>Choose a work order on the board</source>
        <translation>请在看板上选择工单</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="164"/>
        <source>Not issued yet</source>
        <translation>尚未出具</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="167"/>
        <source>Version %1 issued at %2</source>
        <translation>第 %1 版，出具于 %2</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="243"/>
        <source>Preview ready</source>
        <translation>预览已生成</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="264"/>
        <source>Report issued and signed</source>
        <translation>报告已出具并签名</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="271"/>
        <source>Signature valid: %1</source>
        <translation>签名有效：%1</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="272"/>
        <source>Signature NOT valid: %1</source>
        <translation>签名无效：%1</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="281"/>
        <source>Verified</source>
        <translation>已验证</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="287"/>
        <source>Export the report to</source>
        <translation>导出报告到</translation>
    </message>
    <message>
        <location filename="../report_view.py" line="291"/>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
</context>
<context>
    <name>Scan</name>
    <message>
        <location filename="../texts.py" line="34"/>
        <source>finding the control units</source>
        <translation>正在查找控制单元</translation>
    </message>
    <message>
        <location filename="../texts.py" line="35"/>
        <source>asking which values they have</source>
        <translation>正在查询支持的数据</translation>
    </message>
    <message>
        <location filename="../texts.py" line="36"/>
        <source>reading the VIN</source>
        <translation>正在读取 VIN</translation>
    </message>
    <message>
        <location filename="../texts.py" line="37"/>
        <source>reading trouble codes</source>
        <translation>正在读取故障码</translation>
    </message>
    <message>
        <location filename="../texts.py" line="38"/>
        <source>reading live values</source>
        <translation>正在读取实时数据</translation>
    </message>
    <message>
        <location filename="../texts.py" line="39"/>
        <source>reading freeze frames</source>
        <translation>正在读取冻结帧</translation>
    </message>
    <message>
        <location filename="../texts.py" line="40"/>
        <source>finished</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <location filename="../settings.py" line="123"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../settings.py" line="124"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../settings.py" line="124"/>
        <source>Bay name</source>
        <translation>工位名称</translation>
    </message>
    <message>
        <location filename="../settings.py" line="127"/>
        <source>Save bay name</source>
        <translation>保存工位名称</translation>
    </message>
    <message>
        <location filename="../settings.py" line="128"/>
        <source>Reconnect devices</source>
        <translation>重新连接设备</translation>
    </message>
    <message>
        <location filename="../settings.py" line="129"/>
        <source>Save the workshop profile</source>
        <translation>保存门店信息</translation>
    </message>
    <message>
        <location filename="../settings.py" line="130"/>
        <source>Save and connect the devices</source>
        <translation>保存并连接设备</translation>
    </message>
    <message>
        <location filename="../settings.py" line="131"/>
        <source>Join</source>
        <translation>加入</translation>
    </message>
    <message>
        <location filename="../settings.py" line="136"/>
        <source>This terminal</source>
        <translation>本终端</translation>
    </message>
    <message>
        <location filename="../settings.py" line="137"/>
        <source>Workshop</source>
        <translation>门店</translation>
    </message>
    <message>
        <location filename="../settings.py" line="138"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../settings.py" line="139"/>
        <source>Hub</source>
        <translation>车间服务器</translation>
    </message>
    <message>
        <location filename="../settings.py" line="140"/>
        <source>Price list</source>
        <translation>价目表</translation>
    </message>
    <message>
        <location filename="../settings.py" line="141"/>
        <source>People</source>
        <translation>人员</translation>
    </message>
    <message>
        <location filename="../settings.py" line="142"/>
        <source>Canned jobs</source>
        <translation>保养套餐</translation>
    </message>
    <message>
        <location filename="../settings.py" line="214"/>
        <location filename="../settings.py" line="215"/>
        <source>Labour rate an hour</source>
        <translation>每小时工时费</translation>
    </message>
    <message>
        <location filename="../settings.py" line="216"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../settings.py" line="217"/>
        <source>Load the starter list</source>
        <translation>载入初始价目表</translation>
    </message>
    <message>
        <location filename="../settings.py" line="218"/>
        <location filename="../settings.py" line="236"/>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../settings.py" line="219"/>
        <location filename="../settings.py" line="236"/>
        <location filename="../settings.py" line="355"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../settings.py" line="220"/>
        <source>Price, or hours for labour</source>
        <translation>价格（工时填小时数）</translation>
    </message>
    <message>
        <location filename="../settings.py" line="221"/>
        <location filename="../settings.py" line="329"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../settings.py" line="224"/>
        <source>Part</source>
        <translation>配件</translation>
    </message>
    <message>
        <location filename="../settings.py" line="225"/>
        <source>Labour</source>
        <translation>工时</translation>
    </message>
    <message>
        <location filename="../settings.py" line="236"/>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <location filename="../settings.py" line="241"/>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location filename="../settings.py" line="256"/>
        <location filename="../settings.py" line="381"/>
        <location filename="../settings.py" line="409"/>
        <location filename="../settings.py" line="424"/>
        <location filename="../settings.py" line="434"/>
        <location filename="../settings.py" line="438"/>
        <source>Saved</source>
        <translation>已保存</translation>
    </message>
    <message>
        <location filename="../settings.py" line="326"/>
        <location filename="../settings.py" line="355"/>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <location filename="../settings.py" line="327"/>
        <source>Name shown</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <location filename="../settings.py" line="328"/>
        <source>PIN</source>
        <translation>PIN 码</translation>
    </message>
    <message>
        <location filename="../settings.py" line="330"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../settings.py" line="331"/>
        <source>Give the role below</source>
        <translation>改为下方角色</translation>
    </message>
    <message>
        <location filename="../settings.py" line="332"/>
        <source>Set the PIN below</source>
        <translation>设为下方 PIN 码</translation>
    </message>
    <message>
        <location filename="../settings.py" line="333"/>
        <source>Deactivate</source>
        <translation>停用</translation>
    </message>
    <message>
        <location filename="../settings.py" line="342"/>
        <source>technician</source>
        <translation>技师</translation>
    </message>
    <message>
        <location filename="../settings.py" line="343"/>
        <source>advisor</source>
        <translation>服务顾问</translation>
    </message>
    <message>
        <location filename="../settings.py" line="344"/>
        <source>admin</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../settings.py" line="355"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../settings.py" line="355"/>
        <source>Locked</source>
        <translation>锁定</translation>
    </message>
    <message>
        <location filename="../settings.py" line="361"/>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <location filename="../settings.py" line="386"/>
        <source>Choose a person first</source>
        <translation>请先选择人员</translation>
    </message>
    <message>
        <location filename="../settings.py" line="444"/>
        <source>Joining failed: %1</source>
        <translation>加入失败：%1</translation>
    </message>
    <message>
        <location filename="../settings.py" line="453"/>
        <source>Joined the workshop hub</source>
        <translation>已加入车间服务器</translation>
    </message>
</context>
<context>
    <name>SetupView</name>
    <message>
        <location filename="../setup.py" line="491"/>
        <source>This terminal&apos;s bay (or desk)</source>
        <translation>本终端所在工位（或前台）</translation>
    </message>
    <message>
        <location filename="../setup.py" line="495"/>
        <source>Login name</source>
        <translation>登录名</translation>
    </message>
    <message>
        <location filename="../setup.py" line="496"/>
        <source>Name shown</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <location filename="../setup.py" line="497"/>
        <source>PIN (4 to 8 digits)</source>
        <translation>PIN 码（4 至 8 位数字）</translation>
    </message>
    <message>
        <location filename="../setup.py" line="498"/>
        <source>PIN again</source>
        <translation>再次输入 PIN 码</translation>
    </message>
    <message>
        <location filename="../setup.py" line="503"/>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <location filename="../setup.py" line="509"/>
        <source>Language and bay</source>
        <translation>语言与工位</translation>
    </message>
    <message>
        <location filename="../setup.py" line="510"/>
        <source>The workshop</source>
        <translation>门店信息</translation>
    </message>
    <message>
        <location filename="../setup.py" line="511"/>
        <source>The first administrator</source>
        <translation>首位管理员</translation>
    </message>
    <message>
        <location filename="../setup.py" line="512"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../setup.py" line="513"/>
        <source>Workshop hub or cloud</source>
        <translation>车间服务器或云端</translation>
    </message>
    <message>
        <location filename="../setup.py" line="516"/>
        <source>Choose the language of this screen and name this terminal.</source>
        <translation>选择界面语言，并为本终端命名。</translation>
    </message>
    <message>
        <location filename="../setup.py" line="517"/>
        <source>What the health report and the customers see.</source>
        <translation>健康报告和客户看到的信息。</translation>
    </message>
    <message>
        <location filename="../setup.py" line="518"/>
        <source>The administrator adds the other people later, in Settings.</source>
        <translation>管理员之后可在设置中添加其他人员。</translation>
    </message>
    <message>
        <location filename="../setup.py" line="519"/>
        <source>Choose each device this terminal has and test it.</source>
        <translation>选择本终端连接的各个设备并测试。</translation>
    </message>
    <message>
        <location filename="../setup.py" line="520"/>
        <source>Join the workshop hub so the bays share the work orders.</source>
        <translation>加入车间服务器，各工位即可共享工单。</translation>
    </message>
    <message>
        <location filename="../setup.py" line="523"/>
        <source>Setting up the station (%1 of %2): %3</source>
        <translation>设置终端（第 %1 步，共 %2 步）：%3</translation>
    </message>
    <message>
        <location filename="../setup.py" line="530"/>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../setup.py" line="530"/>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../setup.py" line="550"/>
        <source>The workshop needs a name</source>
        <translation>请填写门店名称</translation>
    </message>
    <message>
        <location filename="../setup.py" line="554"/>
        <source>The administrator needs a login name</source>
        <translation>请填写管理员登录名</translation>
    </message>
    <message>
        <location filename="../setup.py" line="556"/>
        <source>The PIN is 4 to 8 digits</source>
        <translation>PIN 码为 4 至 8 位数字</translation>
    </message>
    <message>
        <location filename="../setup.py" line="558"/>
        <source>The two PINs differ</source>
        <translation>两次输入的 PIN 码不一致</translation>
    </message>
    <message>
        <location filename="../setup.py" line="594"/>
        <source>Joined the workshop hub</source>
        <translation>已加入车间服务器</translation>
    </message>
    <message>
        <location filename="../setup.py" line="598"/>
        <source>The station is ready, but joining failed: %1</source>
        <translation>终端已就绪，但加入失败：%1</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <location filename="../texts.py" line="65"/>
        <source>urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../texts.py" line="66"/>
        <source>soon</source>
        <translation>尽快</translation>
    </message>
    <message>
        <location filename="../texts.py" line="67"/>
        <source>advisory</source>
        <translation>建议</translation>
    </message>
</context>
<context>
    <name>Stage</name>
    <message numerus="yes">
        <location filename="../texts.py" line="75"/>
        <source>%1 · waiting for the customer&apos;s decision on %n item(s)</source>
        <translation>
            <numerusform>%1 · 有 %n 项等待客户决定</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../texts.py" line="21"/>
        <source>booked</source>
        <translation>已预约</translation>
    </message>
    <message>
        <location filename="../texts.py" line="22"/>
        <source>checked in</source>
        <translation>已到店</translation>
    </message>
    <message>
        <location filename="../texts.py" line="23"/>
        <source>diagnosing</source>
        <translation>诊断中</translation>
    </message>
    <message>
        <location filename="../texts.py" line="24"/>
        <source>awaiting approval</source>
        <translation>等待客户确认</translation>
    </message>
    <message>
        <location filename="../texts.py" line="25"/>
        <source>in repair</source>
        <translation>维修中</translation>
    </message>
    <message>
        <location filename="../texts.py" line="26"/>
        <source>quality check</source>
        <translation>质检中</translation>
    </message>
    <message>
        <location filename="../texts.py" line="27"/>
        <source>ready</source>
        <translation>可取车</translation>
    </message>
    <message>
        <location filename="../texts.py" line="28"/>
        <source>delivered</source>
        <translation>已交车</translation>
    </message>
    <message>
        <location filename="../texts.py" line="29"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../workorder.py" line="62"/>
        <source>Start diagnosis</source>
        <translation>开始诊断</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="63"/>
        <source>Send for approval</source>
        <translation>提交客户确认</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="64"/>
        <source>Start repair</source>
        <translation>开始维修</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="65"/>
        <source>Repair done</source>
        <translation>维修完成</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="66"/>
        <source>Ready for pick-up</source>
        <translation>可取车</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="67"/>
        <source>Deliver</source>
        <translation>交车</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="76"/>
        <source>No work order open: choose one in the queue</source>
        <translation>未打开工单：请在队列中选择</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <location filename="../texts.py" line="170"/>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location filename="../texts.py" line="172"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
</context>
<context>
    <name>WalkInView</name>
    <message>
        <location filename="../walk_in.py" line="97"/>
        <source>A walk-in customer</source>
        <translation>散客到店</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="98"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="99"/>
        <source>Car</source>
        <translation>车辆</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="101"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="102"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="104"/>
        <source>Reads</source>
        <translation>阅读语言</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="105"/>
        <source>Complaint</source>
        <translation>客户描述</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="106"/>
        <source>Job</source>
        <translation>作业</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="107"/>
        <source>VIN</source>
        <translation>VIN</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="108"/>
        <source>Plate</source>
        <translation>车牌</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="109"/>
        <source>Make</source>
        <translation>品牌</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="110"/>
        <source>Model</source>
        <translation>车型</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="111"/>
        <source>Year</source>
        <translation>年款</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="116"/>
        <source>Drive</source>
        <translation>动力类型</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="117"/>
        <source>Read from the car</source>
        <translation>从车辆读取</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="118"/>
        <source>Register and open the work order</source>
        <translation>登记并开工单</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="119"/>
        <source>Model year</source>
        <translation>年款</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="122"/>
        <source>Petrol or diesel</source>
        <translation>燃油</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="123"/>
        <source>Hybrid</source>
        <translation>混合动力</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="124"/>
        <source>Electric</source>
        <translation>纯电动</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="137"/>
        <source>No job booked (diagnosis)</source>
        <translation>未预约作业（诊断）</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="152"/>
        <source>No vehicle interface is connected</source>
        <translation>未连接车辆诊断接口</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="161"/>
        <source>The car did not give its VIN</source>
        <translation>车辆未返回 VIN</translation>
    </message>
    <message>
        <location filename="../walk_in.py" line="103"/>
        <source>E-mail</source>
        <translation>电子邮箱</translation>
    </message>
</context>
<context>
    <name>WorkOrderView</name>
    <message>
        <location filename="../workorder.py" line="134"/>
        <source>Check-in</source>
        <translation>接车</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="135"/>
        <source>Diagnostics</source>
        <translation>诊断</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="136"/>
        <source>Inspection</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="137"/>
        <source>Alignment</source>
        <translation>四轮定位</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="138"/>
        <source>Findings</source>
        <translation>检查发现</translation>
    </message>
    <message>
        <location filename="../workorder.py" line="139"/>
        <source>Repair</source>
        <translation>维修</translation>
    </message>
</context>
</TS>

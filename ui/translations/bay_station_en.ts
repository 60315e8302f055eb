<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CheckInView</name>
    <message numerus="yes">
        <location filename="../checkin.py" line="168"/>
        <source>%n photo(s)</source>
        <translation>
            <numerusform>%n photo</numerusform>
            <numerusform>%n photos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DeviceBar</name>
    <message numerus="yes">
        <location filename="../device_bar.py" line="122"/>
        <source>Sync: offline, %n pending</source>
        <translation>
            <numerusform>Sync: offline, %n pending</numerusform>
            <numerusform>Sync: offline, %n pending</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../device_bar.py" line="124"/>
        <source>Sync: %n pending</source>
        <translation>
            <numerusform>Sync: %n pending</numerusform>
            <numerusform>Sync: %n pending</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message numerus="yes">
        <location filename="../queue.py" line="111"/>
        <source>%n approved, ready to start</source>
        <translation>
            <numerusform>%n approved, ready to start</numerusform>
            <numerusform>%n approved, ready to start</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RepairView</name>
    <message numerus="yes">
        <location filename="../repair.py" line="140"/>
        <source>%n after photo(s)</source>
        <translation>
            <numerusform>%n after photo</numerusform>
            <numerusform>%n after photos</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Stage</name>
    <message numerus="yes">
        <location filename="../texts.py" line="75"/>
        <source>%1 · waiting for the customer&apos;s decision on %n item(s)</source>
        <translation>
            <numerusform>%1 · waiting for the customer&apos;s decision on %n item</numerusform>
            <numerusform>%1 · waiting for the customer&apos;s decision on %n items</numerusform>
        </translation>
    </message>
</context>
</TS>

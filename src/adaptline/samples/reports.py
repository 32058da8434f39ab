"""Design reviews and test reports (.docx) of the sample corpus, as block lists for ``docx_bytes``.

The power-supply review exists in two revisions (Rev A and Rev B with small edits) and its bill
of materials is the same table as the ``PSU BOM`` sheet in bom/PSU-BOM_rev_B.xlsx.
"""

from __future__ import annotations

from datetime import datetime

from adaptline.samples.ooxml import Block, DocMeta, math_frac, math_run, math_sub
from adaptline.samples.planted import (
    AIKO,
    BOILERPLATE_FOOTER,
    CUSTOMERS,
    DANIEL,
    DATE_OF_BIRTH,
    IBAN,
    INGRID,
    LAB_IP,
    MARTA,
    RAJESH,
    STREET_ADDRESS_DE,
    TOBIAS,
    Person,
)

# (ref, part number, description, manufacturer, qty, unit price EUR): shared with the PSU BOM workbook.
PSU_BOM: list[tuple[str, str, str, str, int, float]] = [
    ("U1", "LM317T", "Adjustable linear regulator 1.5 A, TO-220", "Texas Instruments", 1, 0.62),
    ("U2", "TPS54331DR", "3.5 A 28 V step-down converter, SOIC-8", "Texas Instruments", 1, 1.48),
    ("D1, D2", "SS34", "Schottky diode 3 A 40 V, SMA", "onsemi", 2, 0.11),
    ("L1", "SRR1260-220M", "Shielded inductor 22 uH 4.4 A", "Bourns", 1, 0.74),
    ("C1-C4", "GRM31CR71H475KA12L", "Capacitor 4.7 uF 50 V X7R 1206", "Murata", 4, 0.09),
    ("C5-C16", "GRM155R71C104KA88D", "Capacitor 100nF 16 V X7R 0402", "Murata", 12, 0.01),
    ("C17, C18", "EEE-FK1V221P", "Electrolytic capacitor 220 uF 35 V", "Panasonic", 2, 0.31),
    ("R1-R6", "RC0603FR-074K7L", "Resistor 4.7kΩ 1 % 0603", "Yageo", 6, 0.01),
    ("R7", "RC0603FR-07240RL", "Resistor 240 Ohm 1 % 0603", "Yageo", 1, 0.01),
    ("F1", "0154003.DRT", "Fuse 3 A fast-acting, 2410", "Littelfuse", 1, 0.45),
    ("J1", "691137710002", "Terminal block 2-pos 5.08 mm", "Wurth Elektronik", 1, 0.58),
    ("TVS1", "SMBJ24A", "TVS diode 24 V 600 W, SMB", "Littelfuse", 1, 0.22),
]
BOM_HEADER = ["Ref", "Part number", "Description", "Manufacturer", "Qty", "Unit price (EUR)", "Ext. price (EUR)"]


def psu_bom_rows() -> list[list[str]]:
    """The PSU bill of materials as text rows with the extended price computed (header first)."""
    rows = [BOM_HEADER]
    for ref, part, desc, maker, qty, price in PSU_BOM:
        rows.append([ref, part, desc, maker, str(qty), f"{price:.2f}", f"{qty * price:.2f}"])
    return rows


def _header(doc_no: str, rev: str, person: Person) -> str:
    return f"{doc_no} Rev {rev} | Prepared by {person.name}, {person.phone}"


def psu_review(rev: str) -> tuple[list[Block], DocMeta, str, str]:
    """PSU-DR-012, the 24 V to 5 V / 3.3V power supply design review; rev "A" or "B"."""
    b = rev == "B"
    findings = [
        ["ID", "Severity", "Finding", "Owner", "Status"],
        [
            "F-01",
            "Major",
            "TPS54331 compensation network gives 38 degrees phase margin; target is 45 degrees.",
            "M. Kowalczyk",
            "Closed" if b else "Open",
        ],
        ["F-02", "Minor", "Bootstrap capacitor C19 is 10 nF; datasheet recommends 100nF.", "D. Okafor", "Closed"],
        [
            "F-03",
            "Major",
            "LM317T dissipates 1.9 W at 1 A load; heatsink thermal resistance not specified.",
            "R. Venkataraman",
            "Open",
        ],
        [
            "F-04",
            "Minor",
            "Input TVS SMBJ24A clamps at 38.9 V; check against 40 V rating of SS34.",
            "M. Kowalczyk",
            "Open",
        ],
    ]
    if b:
        findings.append(
            ["F-05", "Minor", "Add test point for the 3.3V rail near U1 for production test.", "D. Okafor", "Open"]
        )
    actions = [
        "Rework the type II compensation network (R8, C20, C21) and re-measure the Bode plot with the network "
        "analyser.",
        "Replace C19 with a 100nF X7R 0402 capacitor in the next layout spin.",
        "Specify a heatsink below 12 K/W for U1 or move the 3.3V rail to a second buck stage.",
        "Confirm the creepage distance between the 24 V input and the SELV output on layer 1.",
    ]
    if b:
        actions.append("Add TP14 for the 3.3V rail and update the ICT fixture drawing.")
    blocks: list[Block] = [
        ("h", 1, "Design Review PSU-DR-012: 24 V Input Power Supply Board"),
        (
            "table",
            [
                ["Document no.", "PSU-DR-012"],
                ["Revision", rev],
                ["Date", "2024-03-18" if b else "2024-03-04"],
                ["Author", f"{MARTA.name} ({MARTA.employee_id})"],
                ["Approver", f"{DANIEL.name} ({DANIEL.employee_id})"],
            ],
        ),
        ("h", 2, "1 Scope"),
        (
            "p",
            "This review covers schematic revision C and layout revision B of the PWR-24-05 power supply board "
            f"for the {CUSTOMERS[0]} door-controller programme. The board converts a nominal 24 V rail "
            "(18 V to 32 V) into 5 V at 3 A with a TPS54331 buck converter and derives a low-noise 3.3V rail "
            "with an LM317T linear post-regulator.",
        ),
        ("h", 2, "2 Attendees"),
        (
            "ul",
            [
                f"{MARTA.name}, hardware lead ({MARTA.email})",
                f"{DANIEL.name}, test engineering ({DANIEL.email})",
                f"{RAJESH.name}, thermal and mechanics ({RAJESH.email})",
            ],
        ),
        ("p", f"The review was held on site at {STREET_ADDRESS_DE}, meeting room Tesla, and over video link."),
        ("h", 2, "3 Design overview"),
        ("h", 3, "3.1 Input protection"),
        (
            "p",
            "Reverse polarity is handled by the Schottky pair D1/D2 in the return path, which costs roughly "
            "0.45 V at full load. A fast-acting 3 A fuse F1 and the SMBJ24A TVS diode protect against the "
            "surge pulses of EN 50155. The input bulk capacitance is two 220 uF electrolytics in parallel with "
            "four 4.7 uF ceramics.",
        ),
        ("h", 3, "3.2 Buck converter"),
        (
            "p",
            "The TPS54331 switches at 570 kHz. With L1 = 22 uH the inductor ripple current is 0.9 A peak to peak "
            "at 32 V input, about 30 % of the rated output current. "
            + (
                "The compensation network was reworked after the first review; the measured crossover frequency "
                "is now 28 kHz with 52 degrees of phase margin."
                if b
                else "The measured crossover frequency is 31 kHz with only 38 degrees of phase margin, below the "
                "45 degree target of the design guideline."
            ),
        ),
        ("h", 3, "3.3 Linear post-regulator"),
        (
            "p",
            "The LM317T sets 3.3V with R7 = 240 Ohm and a 390 Ohm lower resistor (Vout = 1.25 V x (1 + R2/R1)). "
            "Dropout from 5 V leaves 1.7 V across the regulator; at 1 A this is 1.7 W plus the quiescent loss, "
            "so the thermal path needs attention (see F-03).",
        ),
        ("h", 2, "4 Findings"),
        ("table", findings),
        ("h", 2, "5 Action items"),
        ("ol", actions),
        ("h", 2, "6 Bill of materials"),
        ("table", psu_bom_rows()),
        ("h", 2, "7 Conclusion"),
        (
            "p",
            "The design is released for layout revision C once F-01 and F-03 are closed."
            if not b
            else "F-01 and F-02 are closed. The design is released for layout revision C; F-03 remains open and "
            "blocks the thermal qualification only.",
        ),
    ]
    meta = DocMeta(
        author=MARTA.name,
        title="PSU-DR-012 Power Supply Design Review",
        subject="PWR-24-05 design review",
        keywords="power supply, TPS54331, LM317T, design review",
        last_modified_by=DANIEL.name if b else MARTA.name,
        revision=2 if b else 1,
        created=datetime(2024, 3, 4, 9, 30),
        modified=datetime(2024, 3, 18, 16, 5) if b else datetime(2024, 3, 4, 17, 40),
    )
    return blocks, meta, _header("PSU-DR-012", rev, MARTA), BOILERPLATE_FOOTER


def mcu_board_review() -> tuple[list[Block], DocMeta, str, str]:
    blocks: list[Block] = [
        ("h", 1, "Design Review MCU-DR-007: STM32F407VG Controller Board"),
        (
            "table",
            [
                ["Document no.", "MCU-DR-007"],
                ["Revision", "A"],
                ["Date", "2024-02-12"],
                ["Author", f"{TOBIAS.name} ({TOBIAS.employee_id})"],
            ],
        ),
        ("h", 2, "1 Purpose"),
        (
            "p",
            "The controller board carries an STM32F407VG in LQFP-100, an 8 MHz HSE crystal, a 32.768 kHz LSE "
            "crystal for the RTC, an SWD header and two isolated RS-485 ports. This review checks the clock "
            "tree, the reset and boot circuitry, and the pin assignment against firmware v2.1.0.",
        ),
        ("h", 2, "2 Clock tree"),
        (
            "p",
            "The PLL multiplies the 8 MHz HSE to a 168 MHz SYSCLK; APB2 runs at 84 MHz and feeds USART1, so "
            "USART_BRR = 0x2D9 gives 115200 baud with 0.02 % error. The internal 16 MHz HSI remains the "
            "fallback clock if the clock security system detects an HSE failure.",
        ),
        ("h", 3, "2.1 Crystal load capacitance"),
        (
            "p",
            "With CL = 8 pF and an estimated stray capacitance of 3 pF, the load capacitors are 10 pF C0G. "
            "The negative resistance margin measured with a 1.5 kOhm series resistor was 5.2x, above the 5x "
            "recommended by the application note.",
        ),
        (
            "eq",
            "Load capacitance seen by the crystal: ",
            math_sub("C", "L")
            + math_run("=")
            + math_frac(
                math_sub("C", "1") + math_run("·") + math_sub("C", "2"),
                math_sub("C", "1") + math_run("+") + math_sub("C", "2"),
            )
            + math_run("+")
            + math_sub("C", "stray"),
        ),
        ("h", 2, "3 Pin assignment"),
        (
            "table",
            [
                ["Pin", "Function", "Net", "Note"],
                ["PA9", "USART1_TX", "RS485_1_TX", "AF7"],
                ["PA10", "USART1_RX", "RS485_1_RX", "AF7, pull-up 4.7kΩ"],
                ["PA5", "SPI1_SCK", "FLASH_SCK", "AF5"],
                ["PB6", "I2C1_SCL", "SENS_SCL", "open drain, 2.2 kOhm"],
                ["PC13", "GPIO", "LED_STATUS", "sink 3 mA max"],
            ],
        ),
        ("h", 2, "4 Observations"),
        (
            "ul",
            [
                "VCAP1 and VCAP2 each need 2.2 uF low-ESR capacitors; only one is fitted on revision A.",
                "BOOT0 is tied low through 10 kOhm; a jumper to 3.3V is requested for field recovery.",
                "The SWD header lacks the NRST pin; add it to allow connect-under-reset.",
                "Each VDD pin has a 100nF capacitor placed within 2 mm, which is good practice.",
            ],
        ),
        ("h", 2, "5 Decision"),
        (
            "p",
            "Approved with changes. Revision B of the layout must add the second VCAP capacitor and the NRST "
            f"line. Questions to {TOBIAS.email}.",
        ),
    ]
    meta = DocMeta(
        author=TOBIAS.name,
        title="MCU-DR-007 Controller Board Review",
        subject="STM32F407VG board",
        keywords="STM32, clock tree, pinout",
        revision=1,
        created=datetime(2024, 2, 12, 8, 15),
        modified=datetime(2024, 2, 13, 11, 2),
    )
    return blocks, meta, _header("MCU-DR-007", "A", TOBIAS), BOILERPLATE_FOOTER


def motor_drive_review() -> tuple[list[Block], DocMeta, str, str]:
    blocks: list[Block] = [
        ("h", 1, "Design Review MDR-DR-003: 48 V BLDC Motor Inverter"),
        (
            "table",
            [
                ["Document no.", "MDR-DR-003"],
                ["Revision", "C"],
                ["Date", "2024-05-21"],
                ["Author", f"{RAJESH.name} ({RAJESH.employee_id})"],
            ],
        ),
        ("h", 2, "1 Summary"),
        (
            "p",
            f"The three-phase inverter drives the traction motor of the {CUSTOMERS[2]} AGV platform at up to "
            "25 A RMS per phase from a 48 V battery. Six IPT015N10N5 MOSFETs are switched at 20 kHz by a "
            "DRV8353 gate driver; phase currents are sensed with 1 mOhm shunts and INA240 amplifiers.",
        ),
        ("h", 2, "2 Gate drive"),
        (
            "p",
            "The Miller plateau of the IPT015N10N5 lasts about 45 ns at the programmed 300 mA source current. "
            "The measured dv/dt of 9 V/ns at the switch node is acceptable for the motor insulation but "
            "produces ringing at 85 MHz that couples into the Hall sensor inputs.",
        ),
        (
            "ul",
            [
                "Add a 4.7 Ohm gate resistor footprint in series with each gate.",
                "Route the Hall sensor lines as a twisted pair with a 1 nF filter at the connector.",
                "Keep the bootstrap capacitors at 1 uF X7R; the 100 % duty test at 2 Hz passed.",
            ],
        ),
        ("h", 2, "3 Current sensing"),
        (
            "p",
            "With a 1 mOhm shunt and a gain of 50 V/V the full-scale current is 33 A for the 3.3V ADC range. "
            "The ADC samples in the centre of the PWM period, triggered by TIM1 channel 4, which keeps the "
            "measurement away from the switching edges. Offset calibration runs at every start-up.",
        ),
        ("h", 2, "4 Thermal"),
        (
            "table",
            [
                ["Component", "Loss at 25 A (W)", "Rth j-a (K/W)", "Tj at 60 degC ambient"],
                ["High-side FET", "1.9", "18", "94 degC"],
                ["Low-side FET", "2.3", "18", "101 degC"],
                ["Shunt", "0.6", "40", "84 degC"],
                ["DRV8353", "0.4", "30", "72 degC"],
            ],
        ),
        ("h", 2, "5 Open points"),
        (
            "ol",
            [
                "Confirm the short-circuit response time of the DRV8353 VDS monitor (target below 4 us).",
                "Run the 8 h endurance test at 60 degC ambient in the climate chamber.",
                "Review the derating of the DC link capacitors at 105 degC.",
            ],
        ),
    ]
    meta = DocMeta(
        author=RAJESH.name,
        title="MDR-DR-003 Motor Inverter Review",
        subject="BLDC inverter",
        keywords="motor drive, gate driver, Miller plateau",
        revision=3,
        created=datetime(2024, 4, 2, 10, 0),
        modified=datetime(2024, 5, 21, 15, 45),
    )
    return blocks, meta, _header("MDR-DR-003", "C", RAJESH), BOILERPLATE_FOOTER


def sensor_node_review() -> tuple[list[Block], DocMeta, str, str]:
    blocks: list[Block] = [
        ("h", 1, "Design Review SNS-DR-015: Battery-Powered Vibration Sensor Node"),
        (
            "table",
            [
                ["Document no.", "SNS-DR-015"],
                ["Revision", "A"],
                ["Date", "2024-06-10"],
                ["Author", f"{INGRID.name} ({INGRID.employee_id})"],
            ],
        ),
        ("h", 2, "1 Overview"),
        (
            "p",
            "The sensor node measures vibration with an ADXL355 accelerometer over SPI, computes a 1024-point "
            "Fourier transform on the STM32F407VG and reports the spectrum over an RS-485 link to the gateway. "
            "It runs from a 3.6 V lithium thionyl chloride cell and must reach five years of battery life.",
        ),
        ("h", 2, "2 Power budget"),
        (
            "table",
            [
                ["Mode", "Current", "Duty", "Average"],
                ["Sleep (STOP mode, RTC on)", "11 uA", "99.2 %", "10.9 uA"],
                ["Measurement", "28 mA", "0.7 %", "196 uA"],
                ["Transmission", "41 mA", "0.1 %", "41 uA"],
            ],
        ),
        (
            "p",
            "The average of 248 uA gives 4.1 years with a 9 Ah cell, short of the target. Lowering the "
            "measurement duty to 0.5 % or switching to the STM32L4 family closes the gap.",
        ),
        ("h", 2, "3 Analogue front end"),
        (
            "ul",
            [
                "The ADXL355 reference is decoupled with 100nF and 10 uF; the noise floor is 25 ug/sqrt(Hz).",
                "A Hall sensor detects the magnetic mounting clamp; its field is about 30 mTesla at the sensor.",
                "The NTC divider uses a 4.7kΩ resistor; temperature is reported in Kelvin by the firmware.",
            ],
        ),
        ("h", 2, "4 Actions"),
        (
            "ol",
            [
                "Evaluate the STM32L4 variant and its impact on the driver code.",
                "Measure the cell passivation voltage delay at -20 degC.",
                f"Send the revised budget to the customer contact at {CUSTOMERS[1]}.",
            ],
        ),
    ]
    meta = DocMeta(
        author=INGRID.name,
        title="SNS-DR-015 Sensor Node Review",
        subject="vibration sensor node",
        keywords="low power, ADXL355, Fourier",
        revision=1,
        created=datetime(2024, 6, 10, 13, 20),
        modified=datetime(2024, 6, 11, 9, 5),
    )
    return blocks, meta, _header("SNS-DR-015", "A", INGRID), BOILERPLATE_FOOTER


def emc_report() -> tuple[list[Block], DocMeta, str, str]:
    freqs = [
        ("30.0", "27.4", "40.0"),
        ("48.2", "33.9", "40.0"),
        ("85.1", "37.8", "40.0"),
        ("142.6", "31.2", "40.0"),
        ("250.0", "36.5", "47.0"),
        ("480.3", "39.9", "47.0"),
        ("912.7", "35.1", "47.0"),
    ]
    rows = [["Frequency (MHz)", "QP level (dBuV/m)", "Limit (dBuV/m)", "Margin (dB)"]]
    rows += [[f, lvl, lim, f"{float(lim) - float(lvl):.1f}"] for f, lvl, lim in freqs]
    blocks: list[Block] = [
        ("h", 1, "Test Report EMC-TR-2024-031: Radiated Emissions, PWR-24-05"),
        (
            "table",
            [
                ["Report no.", "EMC-TR-2024-031"],
                ["Standard", "CISPR 32 Class B"],
                ["Date", "2024-04-09"],
                ["Test engineer", f"{DANIEL.name}, employee id {DANIEL.employee_id}"],
            ],
        ),
        ("h", 2, "1 Equipment under test"),
        (
            "p",
            "The PWR-24-05 power supply board, layout revision B, loaded with 2.5 A on the 5 V rail and 0.8 A on "
            "the 3.3V rail. The board was placed on a 0.8 m wooden table in the 3 m semi-anechoic chamber.",
        ),
        ("h", 2, "2 Test set-up"),
        (
            "ul",
            [
                "Receiver: R&S ESW26, quasi-peak detector, 120 kHz bandwidth.",
                "Antenna: bilog antenna at 3 m, heights 1 m to 4 m, both polarisations.",
                f"Data logged by the chamber PC at {LAB_IP}; raw files in the EMC share.",
            ],
        ),
        ("h", 2, "3 Results"),
        (
            "p",
            "All frequencies pass with the worst-case margin of 0.1 dB at 480.3 MHz, which is not acceptable as "
            "a production margin. The emission at 85.1 MHz is the ringing of the TPS54331 switch node; the "
            "harmonics of the 570 kHz switching frequency are visible up to 200 MHz.",
        ),
        ("table", rows),
        (
            "chart",
            "Figure 1: quasi-peak levels against the Class B limit.",
            "Radiated emissions, QP (dBuV/m)",
            [f"{f} MHz" for f, _, _ in freqs],
            [("QP level", [float(lvl) for _, lvl, _ in freqs]), ("Limit", [float(lim) for _, _, lim in freqs])],
        ),
        ("h", 3, "3.1 Mitigation trials"),
        (
            "ol",
            [
                "A 2.2 Ohm plus 1 nF snubber across the switch node lowered the 85.1 MHz peak by 6 dB.",
                "A ferrite bead (600 Ohm at 100 MHz) in the 5 V output lowered the 480.3 MHz emission by 4 dB.",
                "Stitching vias along the board edge had no measurable effect.",
            ],
        ),
        ("h", 2, "4 Verdict"),
        ("p", "PASS with insufficient margin. Repeat the scan after layout revision C with the snubber fitted."),
    ]
    meta = DocMeta(
        author=DANIEL.name,
        title="EMC-TR-2024-031 Radiated Emissions",
        subject="CISPR 32",
        keywords="EMC, radiated emissions",
        created=datetime(2024, 4, 9, 8, 0),
        modified=datetime(2024, 4, 10, 14, 30),
    )
    return blocks, meta, _header("EMC-TR-2024-031", "1", DANIEL), BOILERPLATE_FOOTER


def thermal_report() -> tuple[list[Block], DocMeta, str, str]:
    blocks: list[Block] = [
        ("h", 1, "Test Report THM-TR-2024-044: Thermal Qualification of the Motor Inverter"),
        (
            "table",
            [
                ["Report no.", "THM-TR-2024-044"],
                ["Chamber", "Vötsch VT 4021"],
                ["Date", "2024-06-03"],
                ["Operator", RAJESH.name],
            ],
        ),
        ("h", 2, "1 Objective"),
        (
            "p",
            "Verify that no component exceeds its rated junction temperature when the inverter delivers 25 A "
            "RMS continuously at 60 degC ambient, and derive the thermal resistance from junction to ambient "
            "for the MOSFET stage.",
        ),
        ("h", 2, "2 Method"),
        (
            "p",
            "Twelve type-K thermocouples were bonded with thermal epoxy; the chamber temperature was held within "
            "0.5 Kelvin. Steady state was declared when no reading changed by more than 1 K in 10 minutes. The "
            "full time series, sampled every 10 s, is in test_results/thermal_log_THM-2024-044.xlsx.",
        ),
        ("h", 2, "3 Results"),
        (
            "table",
            [
                ["Location", "Max temperature (degC)", "Limit (degC)", "Margin (K)"],
                ["Q1 high-side FET case", "97.4", "125", "27.6"],
                ["Q4 low-side FET case", "104.8", "125", "20.2"],
                ["Shunt R12", "86.1", "155", "68.9"],
                ["DC link capacitor C40", "81.3", "105", "23.7"],
                ["Gate driver U5", "74.0", "125", "51.0"],
            ],
        ),
        (
            "p",
            "The extracted thermal resistance is 17.6 K/W for the low-side MOSFET, in line with the 18 K/W "
            "estimate of the design review. The DC link capacitor ripple heating dominates its temperature rise.",
        ),
        ("h", 2, "4 Logistics"),
        ("p", f"The calibration of the data logger was invoiced by the external lab and paid to IBAN {IBAN}."),
        ("h", 2, "5 Conclusion"),
        (
            "ul",
            [
                "PASS: all components are within their limits.",
                "The lowest margin is at the DC link capacitor; its lifetime calculation must use 81 degC.",
                "Repeat after the heatsink change in revision D.",
            ],
        ),
    ]
    meta = DocMeta(
        author=RAJESH.name,
        title="THM-TR-2024-044 Thermal Qualification",
        subject="thermal test",
        keywords="thermal, Kelvin, chamber",
        created=datetime(2024, 6, 3, 7, 45),
        modified=datetime(2024, 6, 5, 12, 10),
    )
    return blocks, meta, _header("THM-TR-2024-044", "1", RAJESH), BOILERPLATE_FOOTER


def esd_report() -> tuple[list[Block], DocMeta, str, str]:
    points = [
        ["Test point", "Discharge", "Level", "Result"],
        ["J1 terminal screws", "contact", "+/- 4 kV", "A"],
        ["J1 terminal screws", "contact", "+/- 6 kV", "B"],
        ["Enclosure seam", "air", "+/- 8 kV", "A"],
        ["RS-485 connector shield", "contact", "+/- 6 kV", "A"],
        ["Status LED window", "air", "+/- 15 kV", "C"],
    ]
    blocks: list[Block] = [
        ("h", 1, "Test Report ESD-TR-2024-052: Electrostatic Discharge Immunity"),
        (
            "table",
            [
                ["Report no.", "ESD-TR-2024-052"],
                ["Standard", "IEC 61000-4-2"],
                ["Date", "2024-07-15"],
                ["Operator", f"{AIKO.name} ({AIKO.employee_id})"],
            ],
        ),
        ("h", 2, "1 Operator qualification"),
        (
            "p",
            f"Operator {AIKO.name} (date of birth: {DATE_OF_BIRTH}) holds the internal ESD test certificate "
            f"ESD-C-118, valid until 2025-12. Contact: {AIKO.email}, {AIKO.phone}.",
        ),
        ("h", 2, "2 Set-up"),
        (
            "p",
            "The controller board in its aluminium enclosure was placed on the horizontal coupling plane with a "
            "0.5 mm insulating sheet. The ESD generator discharged 10 times per polarity and point at 1 s "
            "intervals. The firmware v2.1.0 self-test reported UART and SPI status every second.",
        ),
        ("h", 2, "3 Results"),
        ("table", points),
        (
            "p",
            "Criterion C at the LED window: the MCU reset and recovered without intervention. Criterion B at "
            "6 kV contact on J1: the RS-485 link lost two frames and the watchdog did not trigger.",
        ),
        ("h", 2, "4 Recommendations"),
        (
            "ol",
            [
                "Add a light pipe with a longer creepage path behind the status LED window.",
                "Fit a TVS array (e.g. PESD2CAN) on the RS-485 lines close to the connector.",
                "Connect the enclosure to PE through a 1 MOhm bleeder and a 4.7 nF Y capacitor.",
            ],
        ),
    ]
    meta = DocMeta(
        author=AIKO.name,
        title="ESD-TR-2024-052 ESD Immunity",
        subject="IEC 61000-4-2",
        keywords="ESD, immunity",
        created=datetime(2024, 7, 15, 9, 0),
        modified=datetime(2024, 7, 16, 10, 0),
    )
    return blocks, meta, _header("ESD-TR-2024-052", "1", AIKO), BOILERPLATE_FOOTER


def uart_validation_report() -> tuple[list[Block], DocMeta, str, str]:
    bauds = [
        ("9600", "0.00", "0", "PASS"),
        ("57600", "0.02", "0", "PASS"),
        ("115200", "0.02", "0", "PASS"),
        ("460800", "0.08", "3", "PASS"),
        ("921600", "0.25", "41", "FAIL"),
    ]
    blocks: list[Block] = [
        ("h", 1, "Test Report FW-TR-2024-018: UART Driver Validation"),
        (
            "table",
            [
                ["Report no.", "FW-TR-2024-018"],
                ["Firmware", "v2.1.0"],
                ["Target", "STM32F407VG"],
                ["Tester", f"{TOBIAS.name} ({TOBIAS.email})"],
            ],
        ),
        ("h", 2, "1 Scope"),
        (
            "p",
            "Validation of the interrupt-driven UART driver (uart.c) on USART1 at base address 0x40011000, "
            "pins PA9 (TX) and PA10 (RX). Each run transfers 10 MB of pseudo-random frames in a loopback "
            "through an FT232H adapter and compares CRC-32 checksums.",
        ),
        ("h", 2, "2 Results per baud rate"),
        ("table", [["Baud rate", "BRR error (%)", "Frame errors", "Verdict"], *[list(row) for row in bauds]]),
        (
            "p",
            "At 921600 baud the 84 MHz APB2 clock with 16x oversampling leaves too little margin; with 8x "
            "oversampling (USART_CR1 bit OVER8) the error count dropped to zero in a repeat run.",
        ),
        ("h", 2, "3 Findings"),
        (
            "ul",
            [
                "The RX ring buffer of 256 bytes overflows when the main loop blocks for more than 22 ms at "
                "115200 baud; the overflow counter works as specified.",
                "The TXE interrupt is re-enabled correctly after the buffer drains.",
                "Framing errors are counted but the erroneous byte is still stored; see issue FW-211.",
            ],
        ),
        ("h", 2, "4 Verdict"),
        ("p", "PASS up to 460800 baud. Enable OVER8 for higher rates; fix FW-211 before release v2.2.0."),
    ]
    meta = DocMeta(
        author=TOBIAS.name,
        title="FW-TR-2024-018 UART Validation",
        subject="UART driver",
        keywords="UART, USART1, baud",
        created=datetime(2024, 5, 6, 10, 30),
        modified=datetime(2024, 5, 7, 16, 20),
    )
    return blocks, meta, _header("FW-TR-2024-018", "1", TOBIAS), BOILERPLATE_FOOTER


def load_regulation_report() -> tuple[list[Block], DocMeta, str, str]:
    """A report the test system generated: its results are an imported HTML page (w:altChunk),
    and the output capacitor line has Symbol-font characters, as the ATE's Word template wrote them."""
    steps = [
        ("0.0", "5.012", "3.301", "PASS"),
        ("0.5", "5.006", "3.299", "PASS"),
        ("1.5", "4.997", "3.296", "PASS"),
        ("3.0", "4.981", "3.290", "PASS"),
        ("3.5", "4.962", "3.284", "MARGINAL"),
    ]
    rows = "".join(
        f"<tr><td>{load}</td><td>{v5}</td><td>{v33}</td><td>{verdict}</td></tr>" for load, v5, v33, verdict in steps
    )
    results = (
        '<html><head><meta charset="utf-8"><title>ATE-03 run 2024-0917-03</title>'
        "<style>td { padding: 2px }</style></head><body>"
        "<h2>Results: load regulation, PSU-24V-5V Rev B, serial PSU-B-0117</h2>"
        "<table><tr><th>Load (A)</th><th>5 V rail (V)</th><th>3.3 V rail (V)</th><th>Verdict</th></tr>"
        f"{rows}</table>"
        "<p>Load regulation 5 V rail: 1.0 % (limit 2 %). 3.3 V rail: 0.5 % (limit 2 %).</p>"
        "<ul><li>Ambient 23.5 C, input 24.0 V from the bench supply.</li>"
        "<li>At 3.5 A the TPS54331 reached its current limit; 3.5 A is above the rated 3 A.</li></ul>"
        "</body></html>"
    )
    blocks: list[Block] = [
        ("h", 1, "Automated Test Report PSU-TR-2024-061: Load Regulation"),
        ("p", f"Generated by test station ATE-03 from test plan TP-PSU-012 Rev B. Operator: {DANIEL.name}."),
        (
            "sym",
            [
                "Output capacitors C17, C18: 220 ",
                ("Symbol", "F06D"),
                "F ",
                ("Symbol", "F0B1"),
                "20 %, ESR ",
                ("Symbol", "F0A3"),
                " 80 m",
                ("Symbol", "F057"),
                " at 100 kHz.",
            ],
        ),
        ("html", "/word/afchunk1.htm", results),
        ("p", "Result: PASS within the rated load. Report generated without manual edits."),
    ]
    meta = DocMeta(
        author="ATE-03",
        title="PSU-TR-2024-061 Load Regulation",
        subject="PSU-24V-5V Rev B",
        keywords="load regulation, ATE",
        created=datetime(2024, 9, 17, 14, 5),
        modified=datetime(2024, 9, 17, 14, 5),
    )
    return blocks, meta, _header("PSU-TR-2024-061", "1", DANIEL), BOILERPLATE_FOOTER


def reports() -> dict[str, tuple[list[Block], DocMeta, str, str]]:
    """Relative path -> (blocks, core properties, header text, footer text) of every sample .docx."""
    return {
        "design_reviews/PSU-DR-012_rev_A.docx": psu_review("A"),
        "design_reviews/PSU-DR-012_rev_B.docx": psu_review("B"),
        "design_reviews/MCU-DR-007_controller_board.docx": mcu_board_review(),
        "design_reviews/MDR-DR-003_motor_inverter.docx": motor_drive_review(),
        "design_reviews/SNS-DR-015_sensor_node.docx": sensor_node_review(),
        "test_reports/EMC-TR-2024-031_radiated_emissions.docx": emc_report(),
        "test_reports/THM-TR-2024-044_thermal.docx": thermal_report(),
        "test_reports/ESD-TR-2024-052_esd_immunity.docx": esd_report(),
        "test_reports/FW-TR-2024-018_uart_validation.docx": uart_validation_report(),
        "test_reports/PSU-TR-2024-061_load_regulation.docx": load_regulation_report(),
    }

"""BOM and test-result workbooks (.xlsx) of the sample corpus.

Formulas carry the cached values Excel would have stored; every sheet has a merged title row
above its header row; the thermal log has ~600 data rows so the extractor has to chunk it.
"""

from __future__ import annotations

import math
import random
from datetime import datetime

from openpyxl.utils import get_column_letter

from adaptline.samples.ooxml import DocMeta, Formula, SheetSpec
from adaptline.samples.planted import CUSTOMERS, DANIEL, IBAN_GB, INGRID, MARTA, RAJESH, STREET_ADDRESS_US
from adaptline.samples.reports import BOM_HEADER, PSU_BOM

THERMAL_LOG_ROWS = 600
_THERMAL_CHANNELS = ["Q1 case", "Q4 case", "Shunt R12", "C40", "U5", "Ambient"]


def _bom_sheet(title: str, caption: str, parts: list[tuple[str, str, str, str, int, float]]) -> SheetSpec:
    """Title row (merged), header row, one row per part with Ext. price = Qty x Unit price, a total."""
    rows: list[list[object]] = [[caption], list(BOM_HEADER)]
    for i, (ref, part, desc, maker, qty, price) in enumerate(parts, start=3):
        rows.append([ref, part, desc, maker, qty, price, Formula(f"E{i}*F{i}", round(qty * price, 6))])
    last = len(parts) + 2
    total = round(sum(qty * price for *_, qty, price in parts), 6)
    rows.append(
        [
            None,
            None,
            None,
            None,
            Formula(f"SUM(E3:E{last})", sum(p[4] for p in parts)),
            "Total",
            Formula(f"SUM(G3:G{last})", total),
        ]
    )
    return SheetSpec(title, rows, merged=["A1:G1"], widths=[10, 22, 42, 20, 6, 16, 16], header_row=2)


def _history_sheet(entries: list[list[str]]) -> SheetSpec:
    return SheetSpec(
        "Revision history",
        [["Revision history"], ["Rev", "Date", "Author", "Change"], *entries],
        merged=["A1:D1"],
        widths=[6, 12, 22, 60],
        header_row=2,
    )


def psu_bom() -> tuple[list[SheetSpec], DocMeta]:
    suppliers = SheetSpec(
        "Suppliers",
        [
            ["Approved suppliers"],
            ["Manufacturer", "Distributor", "Lead time (weeks)", "MOQ", "Contact"],
            ["Texas Instruments", "Mouser", 6, 1, f"{DANIEL.name}, {DANIEL.email}"],
            ["Murata", "Digi-Key", 12, 4000, "sales desk"],
            ["Littelfuse", "Farnell", 8, 100, "sales desk"],
            ["Bourns", "Mouser", 10, 250, "sales desk"],
            ["Wurth Elektronik", "direct", 3, 50, "sales desk"],
            [],
            ["Ship prototypes to", STREET_ADDRESS_US],
            ["Supplier payments", IBAN_GB],
        ],
        merged=["A1:E1"],
        widths=[20, 14, 18, 8, 50],
        header_row=2,
    )
    history = _history_sheet(
        [
            ["A", "2024-02-20", MARTA.name, "Initial BOM from schematic revision B"],
            ["B", "2024-03-18", MARTA.name, "C19 changed to 100nF; TVS1 SMBJ24A added"],
        ]
    )
    sheets = [_bom_sheet("PSU BOM", "PWR-24-05 power supply board - BOM rev B", PSU_BOM), suppliers, history]
    meta = DocMeta(
        author=MARTA.name,
        title="PWR-24-05 Bill of Materials",
        subject="BOM",
        keywords="BOM, PSU",
        revision=2,
        created=datetime(2024, 2, 20, 10, 0),
        modified=datetime(2024, 3, 18, 17, 0),
    )
    return sheets, meta


SENSOR_PARTS = [
    ("U1", "STM32F407VGT6", "MCU Arm Cortex-M4 168 MHz, 1 MB flash, LQFP-100", "STMicroelectronics", 1, 9.85),
    ("U2", "ADXL355BEZ", "Low-noise 3-axis accelerometer, SPI", "Analog Devices", 1, 27.40),
    ("U3", "THVD1450DR", "RS-485 transceiver 3.3V, SOIC-8", "Texas Instruments", 1, 1.32),
    ("U4", "TPS62840DLCR", "750 mA step-down converter, 60 nA Iq", "Texas Instruments", 1, 0.98),
    ("U5", "74HC595D", "8-bit shift register, SO-16", "Nexperia", 1, 0.14),
    ("Y1", "ABM8-8.000MHZ-B2-T", "Crystal 8 MHz 18 pF", "Abracon", 1, 0.36),
    ("Y2", "ABS07-32.768KHZ-T", "Crystal 32.768 kHz", "Abracon", 1, 0.41),
    ("RT1", "NCP18XH103F03RB", "NTC 10 kOhm B=3380", "Murata", 1, 0.08),
    ("BT1", "LS17500", "Li-SOCl2 cell 3.6 V 3.6 Ah, A-size", "Saft", 1, 6.90),
    ("C1-C14", "GRM155R71C104KA88D", "Capacitor 100nF 16 V X7R 0402", "Murata", 14, 0.01),
    ("R1-R8", "RC0402FR-074K7L", "Resistor 4.7kΩ 1 % 0402", "Yageo", 8, 0.01),
]
MOTOR_PARTS = [
    ("Q1-Q6", "IPT015N10N5", "MOSFET N-ch 100 V 300 A, HSOF-8", "Infineon", 6, 3.95),
    ("U1", "DRV8353RSRGZR", "100 V three-phase smart gate driver", "Texas Instruments", 1, 6.10),
    ("U2-U4", "INA240A2PWR", "Current sense amplifier, gain 50", "Texas Instruments", 3, 1.72),
    ("U5", "STM32F407VGT6", "MCU Arm Cortex-M4 168 MHz", "STMicroelectronics", 1, 9.85),
    ("R10-R12", "WSLP39211L000FEA", "Shunt 1 mOhm 1 % 3 W", "Vishay", 3, 1.05),
    ("C30-C37", "B32674D4106K", "Film capacitor 10 uF 450 V", "TDK", 8, 2.15),
    ("C40", "EKZN101ELL561MK30S", "Electrolytic 560 uF 100 V 105 degC", "Nippon Chemi-Con", 2, 1.88),
    ("L2", "744373680047", "Power inductor 4.7 uH", "Wurth Elektronik", 1, 0.64),
    ("J5", "1776275-3", "Terminal block 3-pos 5.0 mm, motor phases", "TE Connectivity", 1, 1.12),
]


def sensor_bom() -> tuple[list[SheetSpec], DocMeta]:
    history = _history_sheet([["A", "2024-06-10", INGRID.name, "First issue for prototype build of 25 units"]])
    sheets = [_bom_sheet("Sensor node BOM", "SNS-01 vibration sensor node - BOM rev A", SENSOR_PARTS), history]
    meta = DocMeta(
        author=INGRID.name,
        title="SNS-01 Bill of Materials",
        subject="BOM",
        keywords="BOM, sensor",
        created=datetime(2024, 6, 10, 14, 0),
        modified=datetime(2024, 6, 12, 8, 30),
    )
    return sheets, meta


def motor_bom() -> tuple[list[SheetSpec], DocMeta]:
    history = _history_sheet(
        [
            ["A", "2024-04-02", RAJESH.name, "Initial release"],
            ["B", "2024-05-02", RAJESH.name, "Shunts changed from 2 mOhm to 1 mOhm"],
            ["C", "2024-05-21", RAJESH.name, f"DC link derated for {CUSTOMERS[2]} profile"],
        ]
    )
    sheets = [_bom_sheet("Inverter BOM", "MDR-48 BLDC inverter - BOM rev C", MOTOR_PARTS), history]
    meta = DocMeta(
        author=RAJESH.name,
        title="MDR-48 Bill of Materials",
        subject="BOM",
        keywords="BOM, inverter",
        revision=3,
        created=datetime(2024, 4, 2, 9, 0),
        modified=datetime(2024, 5, 21, 16, 0),
    )
    return sheets, meta


def thermal_log(rows: int = THERMAL_LOG_ROWS) -> tuple[list[SheetSpec], DocMeta]:
    """A long time series (10 s samples) with a per-row maximum formula, and a summary sheet."""
    rng = random.Random(44)
    header = ["Time (s)", *[f"{name} (degC)" for name in _THERMAL_CHANNELS], "Hottest (degC)"]
    data: list[list[object]] = [["THM-TR-2024-044 thermocouple log, 25 A RMS, 60 degC ambient"], header]
    finals = [97.4, 104.8, 86.1, 81.3, 74.0, 60.0]
    tau = 900.0
    for i in range(rows):
        t = i * 10
        values = [round(60 + (final - 60) * (1 - math.exp(-t / tau)) + rng.uniform(-0.15, 0.15), 2) for final in finals]
        r = i + 3
        data.append([t, *values, Formula(f"MAX(B{r}:F{r})", max(values[:5]))])
    last = rows + 2
    summary_rows: list[list[object]] = [["Summary"], ["Channel", "Maximum (degC)", "Mean (degC)", "Final (degC)"]]
    for c, name in enumerate(_THERMAL_CHANNELS):
        col = get_column_letter(c + 2)
        series = [row[c + 1] for row in data[2:]]
        summary_rows.append(
            [
                name,
                Formula(f"MAX(Log!{col}3:{col}{last})", max(series)),
                Formula(f"AVERAGE(Log!{col}3:{col}{last})", sum(series) / len(series)),
                Formula(f"Log!{col}{last}", series[-1]),
            ]
        )
    sheets = [
        SheetSpec("Log", data, merged=["A1:H1"], widths=[10, *[14] * 7], header_row=2),
        SheetSpec("Summary", summary_rows, merged=["A1:D1"], widths=[18, 16, 14, 14], header_row=2),
    ]
    meta = DocMeta(
        author=RAJESH.name,
        title="THM-TR-2024-044 thermocouple log",
        subject="thermal test data",
        created=datetime(2024, 6, 3, 7, 45),
        modified=datetime(2024, 6, 3, 18, 0),
    )
    return sheets, meta


def emc_scan() -> tuple[list[SheetSpec], DocMeta]:
    """Peak lists for both antenna polarisations, margins as formulas, and a worst-case summary."""
    rng = random.Random(31)
    sheets: list[SheetSpec] = []
    worst: list[tuple[str, float]] = []
    for polarisation in ("Horizontal", "Vertical"):
        rows: list[list[object]] = [
            [f"EMC-TR-2024-031 peaks, {polarisation.lower()} polarisation"],
            ["Frequency (MHz)", "Peak (dBuV/m)", "QP (dBuV/m)", "Limit (dBuV/m)", "Margin (dB)"],
        ]
        margins = []
        for i in range(40):
            freq = round(30 * (1000 / 30) ** (i / 39), 1)
            limit = 40.0 if freq < 230 else 47.0
            qp = round(limit - rng.uniform(0.5, 14.0), 1)
            r = i + 3
            margin = round(limit - qp, 1)
            margins.append(margin)
            rows.append([freq, round(qp + rng.uniform(1.0, 4.0), 1), qp, limit, Formula(f"D{r}-C{r}", margin)])
        sheets.append(SheetSpec(polarisation, rows, merged=["A1:E1"], widths=[16, 14, 12, 14, 12], header_row=2))
        worst.append((polarisation, min(margins)))
    summary: list[list[object]] = [["Worst-case margin per polarisation"], ["Polarisation", "Worst margin (dB)"]]
    summary += [[name, Formula(f"MIN({name}!E3:E42)", value)] for name, value in worst]
    sheets.append(SheetSpec("Summary", summary, merged=["A1:B1"], widths=[16, 18], header_row=2))
    meta = DocMeta(
        author=DANIEL.name,
        title="EMC scan results",
        subject="CISPR 32 pre-scan",
        created=datetime(2024, 4, 9, 8, 0),
        modified=datetime(2024, 4, 9, 17, 30),
    )
    return sheets, meta


def workbooks() -> dict[str, tuple[list[SheetSpec], DocMeta]]:
    """Relative path -> (sheets, core properties) of every sample .xlsx."""
    return {
        "bom/PSU-BOM_rev_B.xlsx": psu_bom(),
        "bom/SNS-01_sensor_node_BOM.xlsx": sensor_bom(),
        "bom/MDR-48_inverter_BOM.xlsx": motor_bom(),
        "test_results/thermal_log_THM-2024-044.xlsx": thermal_log(),
        "test_results/emc_scan_EMC-2024-031.xlsx": emc_scan(),
    }

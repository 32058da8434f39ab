"""Slide decks (.pptx) of the sample corpus: titles, bullets, tables, grouped shapes, speaker notes."""

from __future__ import annotations

from datetime import datetime

from adaptline.samples.ooxml import DocMeta, SheetSpec, SlideSpec, xlsx_bytes
from adaptline.samples.planted import (
    AIKO,
    CREDIT_CARD,
    CUSTOMERS,
    DANIEL,
    INGRID,
    MARTA,
    RAJESH,
    TOBIAS,
    US_SSN,
)


def psu_kickoff() -> tuple[list[SlideSpec], DocMeta]:
    slides = [
        SlideSpec(
            "PWR-24-05 Power Supply: Design Review Kick-off",
            [
                f"Presenter: {MARTA.name}, hardware lead",
                f"Customer programme: {CUSTOMERS[0]} door controller",
                "Review date: 4 March 2024",
            ],
            notes=f"Welcome everyone. Dial-in problems: call me on {MARTA.phone}.",
        ),
        SlideSpec(
            "Requirements",
            [
                "Input 18 V to 32 V, EN 50155 surge and interruptions",
                (1, "Class S2 hold-up: 10 ms at 24 V"),
                "Outputs: 5 V / 3 A and 3.3V / 1 A",
                (1, "3.3V ripple below 10 mV peak to peak"),
                "Operating range -40 degC to +70 degC",
                "Efficiency above 85 % at full load",
            ],
            notes="The hold-up time drives the bulk capacitor size; we chose 2 x 220 uF.",
        ),
        SlideSpec(
            "Architecture",
            [
                "TPS54331 buck converter at 570 kHz for the 5 V rail",
                "LM317T linear post-regulator for the low-noise 3.3V rail",
                "SS34 Schottky pair for reverse polarity, SMBJ24A TVS for surges",
            ],
            group=["24 V input -> fuse + TVS", "TPS54331 buck -> 5 V", "LM317T -> 3.3V"],
            notes="The three boxes at the bottom are the block diagram; the arrows show the power flow.",
        ),
        SlideSpec(
            "Loop stability measurement",
            table=[
                ["Condition", "Crossover (kHz)", "Phase margin (deg)", "Gain margin (dB)"],
                ["18 V, 3 A", "29", "41", "11"],
                ["24 V, 3 A", "31", "38", "10"],
                ["32 V, 0.3 A", "24", "55", "14"],
            ],
            notes="Measured with the Bode 100 and a 10 Ohm injection resistor. 38 degrees is below target.",
        ),
        SlideSpec(
            "Power budget",
            ["Full load: 18.3 W out, 2.9 W lost", "Budget workbook embedded below (double-click to edit)"],
            notes="The losses row is the sum of the buck and LM317T losses at 24 V in.",
            embedded_xlsx=xlsx_bytes(
                [
                    SheetSpec(
                        "Budget",
                        [
                            ["Rail", "Voltage (V)", "Current (A)", "Power (W)"],
                            ["5 V", 5.0, 3.0, 15.0],
                            ["3.3V", 3.3, 1.0, 3.3],
                            ["Losses", None, None, 2.9],
                        ],
                    )
                ],
                DocMeta(author=MARTA.name, title="PWR-24-05 power budget", created=datetime(2024, 2, 28, 9, 0)),
            ),
        ),
        SlideSpec(
            "Next steps",
            ["Rework compensation network (F-01)", "Heatsink for LM317T (F-03)", "EMC pre-scan in April"],
            group=["Owner: M. Kowalczyk", "Due: layout rev C"],
            notes="Questions by email please, the minutes will be in PSU-DR-012.",
        ),
    ]
    meta = DocMeta(
        author=MARTA.name,
        title="PWR-24-05 design review kick-off",
        created=datetime(2024, 3, 1, 15, 0),
        modified=datetime(2024, 3, 4, 8, 50),
    )
    return slides, meta


def emc_results() -> tuple[list[SlideSpec], DocMeta]:
    slides = [
        SlideSpec(
            "EMC Pre-compliance Results, April 2024",
            ["PWR-24-05 layout rev B, CISPR 32 Class B", f"Test engineer: {DANIEL.name}"],
            notes=f"Report EMC-TR-2024-031 has the details. Reach me at {DANIEL.email}.",
        ),
        SlideSpec(
            "Radiated emissions overview",
            table=[
                ["Peak", "Frequency", "Margin", "Root cause"],
                ["1", "85.1 MHz", "2.2 dB", "switch-node ringing"],
                ["2", "480.3 MHz", "0.1 dB", "5 V cable"],
                ["3", "250.0 MHz", "10.5 dB", "MCU clock harmonic"],
            ],
            notes="Margins are quasi-peak. The 480 MHz peak moves with the output cable routing.",
        ),
        SlideSpec(
            "Ringing at the switch node",
            [
                "Ring frequency 85 MHz set by the FET output capacitance and loop inductance",
                (1, "Loop inductance estimated at 3.5 nH from the ring period"),
                "RC snubber 2.2 Ohm + 1 nF: -6 dB at 85 MHz, 0.3 % efficiency cost",
                "Fourier analysis of the switch-node waveform confirms the harmonic envelope",
            ],
            group=["Before: 37.8 dBuV/m", "After snubber: 31.8 dBuV/m"],
            notes="The Fourier transform of the scope capture was done in the lab notebook.",
        ),
        SlideSpec(
            "Decisions",
            [
                "Fit snubber footprint in layout rev C",
                "Ferrite bead on 5 V output connector",
                "Full compliance test at the accredited lab in June",
            ],
            notes=f"The chamber booking was prepaid with the corporate card {CREDIT_CARD}; keep the receipt.",
        ),
    ]
    meta = DocMeta(
        author=DANIEL.name,
        title="EMC pre-compliance results",
        created=datetime(2024, 4, 11, 9, 0),
        modified=datetime(2024, 4, 11, 11, 30),
    )
    return slides, meta


def firmware_architecture() -> tuple[list[SlideSpec], DocMeta]:
    slides = [
        SlideSpec(
            "Sensor Node Firmware Architecture v2.1.0",
            [f"{TOBIAS.name}, firmware", "Bare-metal C on STM32F407VG, no RTOS"],
            notes="This deck explains the layering; the code is in firmware/stm32f4_sensor_node.",
        ),
        SlideSpec(
            "Layers",
            [
                "Application: sensor_fusion.c, command parser, reporting",
                "Drivers: uart.c, spi.c, adc.c (register level, no HAL)",
                "Board support: board.h with pins, clocks and base addresses",
            ],
            group=["Application", "Drivers", "Board support / CMSIS"],
            notes="We dropped the vendor HAL to save 14 kB of flash and to control interrupt latency.",
        ),
        SlideSpec(
            "UART driver",
            [
                "USART1 at 0x40011000 on PA9 / PA10, 115200 baud 8N1",
                "Interrupt-driven, 256-byte RX and TX ring buffers",
                "USART_CR1: UE, TE, RE, RXNEIE set at init; TXEIE on demand",
                "Ported to STM32F767ZI for the gateway (ISR / RDR / TDR registers)",
            ],
            notes="The F7 port renames registers but keeps the ring buffer logic identical.",
        ),
        SlideSpec(
            "Memory map",
            table=[
                ["Region", "Start", "Size", "Use"],
                ["Flash", "0x08000000", "1 MB", "code + constants"],
                ["SRAM1", "0x20000000", "112 kB", "data, stacks"],
                ["CCM", "0x10000000", "64 kB", "FFT buffers"],
                ["Backup SRAM", "0x40024000", "4 kB", "calibration"],
            ],
            notes="The CCM RAM is not reachable by DMA, so the ADC DMA target lives in SRAM1.",
        ),
        SlideSpec(
            "Release plan",
            [
                "v2.1.0: UART OVER8 option, watchdog",
                "v2.2.0: fix FW-211 framing errors",
                "v3.0.0: STM32L4 port for low power",
            ],
            notes=f"Build server for releases is jenkins-fw; ask {INGRID.name} for access.",
        ),
    ]
    meta = DocMeta(
        author=TOBIAS.name,
        title="Sensor node firmware architecture",
        created=datetime(2024, 5, 2, 10, 0),
        modified=datetime(2024, 5, 3, 9, 15),
    )
    return slides, meta


def thermal_summary() -> tuple[list[SlideSpec], DocMeta]:
    slides = [
        SlideSpec(
            "Inverter Thermal Qualification: Summary",
            [f"{RAJESH.name}, June 2024", "THM-TR-2024-044"],
            notes="Five minute summary for the programme meeting.",
        ),
        SlideSpec(
            "Set-up",
            [
                "Climate chamber at 60 degC, held within 0.5 Kelvin",
                "12 type-K thermocouples, 10 s sampling",
                "25 A RMS continuous for 4 hours",
            ],
            group=["Chamber", "Inverter + motor load", "Data logger"],
            notes="The dynamometer was outside the chamber, coupled through the wall.",
        ),
        SlideSpec(
            "Results",
            table=[
                ["Location", "Tmax (degC)", "Margin (K)"],
                ["Q4 low-side FET", "104.8", "20.2"],
                ["DC link C40", "81.3", "23.7"],
                ["Shunt R12", "86.1", "68.9"],
            ],
            notes="Q4 is hottest because it conducts during the freewheeling interval.",
        ),
        SlideSpec(
            "Conclusions",
            [
                "PASS at 60 degC ambient",
                "Rth j-a = 17.6 K/W for the low-side FET",
                "Capacitor lifetime: use 81 degC in the calculation",
            ],
            notes=f"US contractor onboarding for the endurance test still needs the form with SSN {US_SSN}.",
        ),
    ]
    meta = DocMeta(
        author=RAJESH.name,
        title="Inverter thermal summary",
        created=datetime(2024, 6, 6, 8, 0),
        modified=datetime(2024, 6, 6, 8, 40),
    )
    return slides, meta


def project_status() -> tuple[list[SlideSpec], DocMeta]:
    slides = [
        SlideSpec(
            "Project Status Q3 2024: Sensor Node and Gateway",
            [f"Programme manager: {INGRID.name}", f"Customer: {CUSTOMERS[1]}"],
            notes="Status as of the end of August.",
        ),
        SlideSpec(
            "Milestones",
            table=[
                ["Milestone", "Plan", "Forecast", "Status"],
                ["EVT build", "2024-06-28", "2024-07-05", "done"],
                ["DVT build", "2024-09-13", "2024-09-27", "at risk"],
                ["ISO 26262 gap analysis", "2024-08-30", "2024-08-30", "done"],
                ["IEC 61508 SIL 2 assessment", "2024-11-15", "2024-11-15", "on track"],
            ],
            notes="The DVT slip comes from the ADXL355 lead time of 16 weeks.",
        ),
        SlideSpec(
            "Risks",
            [
                "Battery life 4.1 years vs. 5 year target",
                (1, "Mitigation: STM32L4 port, lower duty cycle"),
                "ADXL355 allocation",
                (1, "Mitigation: second source evaluation (IIS3DWB)"),
                "Gateway CAN bus load at 500 kbit/s above 60 %",
            ],
            group=["Red: 1", "Amber: 2", "Green: 5"],
            notes=f"Escalation path: {AIKO.name} for quality, {MARTA.name} for hardware.",
        ),
        SlideSpec(
            "Budget",
            table=[
                ["Item", "Budget (kEUR)", "Actual (kEUR)"],
                ["Prototype PCBs", "18", "21.4"],
                ["Test lab", "35", "29.8"],
                ["Certification", "40", "12.0"],
            ],
            notes="Certification costs fall mostly into Q4.",
        ),
    ]
    meta = DocMeta(
        author=INGRID.name,
        title="Project status Q3 2024",
        created=datetime(2024, 8, 29, 16, 0),
        modified=datetime(2024, 8, 30, 9, 0),
    )
    return slides, meta


def decks() -> dict[str, tuple[list[SlideSpec], DocMeta]]:
    """Relative path -> (slides, core properties) of every sample .pptx."""
    return {
        "slides/PWR-24-05_review_kickoff.pptx": psu_kickoff(),
        "slides/EMC_precompliance_2024-04.pptx": emc_results(),
        "slides/sensor_node_firmware_architecture.pptx": firmware_architecture(),
        "slides/inverter_thermal_summary.pptx": thermal_summary(),
        "slides/project_status_Q3_2024.pptx": project_status(),
    }

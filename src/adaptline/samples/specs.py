"""Interface and product specifications (.pdf) of the sample corpus.

SPEC-UART-001 exists as Rev C and Rev D (small edits), so dedup sees a near-duplicate pair.
Every spec starts with a revision table and uses long words that end up hyphenated at line ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from adaptline.samples.ooxml import Block
from adaptline.samples.planted import AIKO, BOILERPLATE_FOOTER, DANIEL, INGRID, MARTA, RAJESH, TOBIAS, Person


@dataclass(frozen=True)
class SpecDoc:
    """A PDF spec: body blocks, running header/footer text and the document-info author."""

    blocks: list[Block]
    header: str
    footer: str
    title: str
    author: str


def _header(doc_no: str, rev: str, title: str, owner: Person) -> str:
    return f"{doc_no} Rev {rev} - {title} - Owner: {owner.name}, {owner.email}"


def _revisions(rows: list[tuple[str, str, Person, str]]) -> Block:
    return ("table", [["Rev", "Date", "Author", "Description"], *[[r, d, p.name, t] for r, d, p, t in rows]])


def _front(title: str, intro: str, history: Block, references: list[list[str]], terms: list[list[str]]) -> list[Block]:
    """Cover page: title, purpose, revision table, referenced documents and abbreviations; then a page break."""
    return [
        ("h", 1, title),
        ("p", intro),
        ("h", 2, "Revision history"),
        history,
        ("h", 2, "Referenced documents"),
        ("table", [["Ref", "Document", "Title"], *references]),
        ("h", 2, "Terms and abbreviations"),
        ("table", [["Term", "Meaning"], *terms]),
        ("break",),
    ]


def _register_table(prefix: str, base: int, registers: list[tuple[str, int, str, str]]) -> Block:
    rows = [["Register", "Offset", "Address", "Reset", "Description"]]
    rows += [
        [f"{prefix}_{name}", f"0x{off:02X}", f"0x{base + off:08X}", reset, desc] for name, off, reset, desc in registers
    ]
    return ("table", rows)


_UART_REGISTERS = [
    ("SR", 0x00, "0x00C0", "Status register: TXE, TC, RXNE, IDLE, ORE, NF, FE, PE flags"),
    ("DR", 0x04, "0x0000", "Data register, 9 bits; write to transmit, read to receive"),
    ("BRR", 0x08, "0x0000", "Baud rate register: DIV_Mantissa[15:4], DIV_Fraction[3:0]"),
    ("CR1", 0x0C, "0x0000", "Control register 1: UE, M, WAKE, PCE, PS, TXEIE, TCIE, RXNEIE, TE, RE, OVER8"),
    ("CR2", 0x10, "0x0000", "Control register 2: STOP bits, LIN mode, clock enable"),
    ("CR3", 0x14, "0x0000", "Control register 3: DMAT, DMAR, CTSE, RTSE, ONEBIT"),
    ("GTPR", 0x18, "0x0000", "Guard time and prescaler (smartcard and IrDA modes)"),
]


def uart_spec(rev: str) -> SpecDoc:
    """SPEC-UART-001, the UART interface specification of the sensor node; rev "C" or "D"."""
    d = rev == "D"
    history = [
        ("A", "2023-09-04", TOBIAS, "Initial specification"),
        ("B", "2023-11-20", TOBIAS, "Added RS-485 direction control timing"),
        ("C", "2024-02-05", INGRID, "Frame format v2 with CRC-16; baud rates up to 460800"),
    ]
    if d:
        history.append(("D", "2024-05-13", TOBIAS, "OVER8 oversampling for 921600 baud; FW-211 framing fix"))
    rates = [
        ["Baud rate", "OVER8", "USART_BRR", "Actual rate", "Error (%)"],
        ["9600", "0", "0x222E", "9600.0", "0.00"],
        ["57600", "0", "0x05B2", "57588.5", "0.02"],
        ["115200", "0", "0x02D9", "115226.3", "0.02"],
        ["460800", "0", "0x00B6", "461538.5", "0.16"],
    ]
    if d:
        rates.append(["921600", "1", "0x00B3", "922746.4", "0.12"])
    blocks: list[Block] = [
        *_front(
            f"SPEC-UART-001 UART Interface Specification, Revision {rev}",
            "This specification defines the physical layer, the frame format and the driver behaviour of the "
            "serial interface between the vibration sensor node and the gateway. It is binding for hardware "
            "revision B and later and for firmware v2.1.0 and later. Deviations require the written approval "
            "of the document owner and an entry in the revision history.",
            _revisions(history),
            [
                ["[1]", "RM0090", "STM32F405/407 reference manual, USART chapter"],
                ["[2]", "THVD1450 datasheet", "3.3V to 5 V RS-485 transceiver"],
                ["[3]", "FW-TR-2024-018", "UART driver validation report"],
                ["[4]", "SPEC-CAN-003", "Gateway CAN interface"],
            ],
            [
                ["BRR", "Baud rate register"],
                ["CRC", "Cyclic redundancy check"],
                ["DE", "Driver enable"],
                ["OVER8", "Oversampling by 8 instead of 16"],
                ["RXNE", "Receive data register not empty"],
                ["TXE", "Transmit data register empty"],
            ],
        ),
        ("h", 2, "1 Physical layer"),
        (
            "p",
            "The interface uses USART1 of the STM32F407VG on pins PA9 (TX) and PA10 (RX), level-shifted to "
            "RS-485 by a THVD1450 half-duplex transceiver. The driver enable signal is controlled by the "
            "firmware; its switching must complete within one bit time after the transmission complete flag. "
            "Termination of 120 Ohm is fitted at both ends of the cable; the failsafe biasing uses 560 Ohm "
            "resistors to 3.3V and ground.",
        ),
        (
            "ul",
            [
                "Default configuration: 115200 baud, 8 data bits, no parity, one stop bit.",
                "Maximum cable length: 400 m at 115200 baud with a twisted pair of 120 Ohm impedance.",
                "Common-mode range: -7 V to +12 V according to the transceiver specification.",
            ],
        ),
        ("h", 2, "2 Register interface"),
        (
            "p",
            "The driver accesses the peripheral directly through the memory-mapped registers below; the "
            "peripheral clock is enabled by setting bit 4 (USART1EN) of RCC_APB2ENR at address 0x40023844. "
            "The base address of USART1 is 0x40011000; USART2 at 0x40004400 is reserved for the debug console.",
        ),
        _register_table("USART", 0x40011000, _UART_REGISTERS),
        ("h", 2, "3 Baud rate configuration"),
        (
            "p",
            "With oversampling by 16 the baud rate is fCK / (16 x USARTDIV), where fCK is the APB2 clock of "
            "84 MHz. The table lists the programmed values and the resulting deviation; a deviation above "
            "2 % is not acceptable for the synchronisation of the receiver."
            + (" For 921600 baud the oversampling by 8 (OVER8 = 1 in USART_CR1) is mandatory." if d else ""),
        ),
        ("table", rates),
        ("break",),
        ("h", 2, "4 Frame format"),
        (
            "p",
            "Each frame starts with the synchronisation byte 0x7E, followed by a length byte, a command byte, "
            "up to 250 payload bytes and a CRC-16/CCITT-FALSE checksum over length, command and payload. "
            "Bytes equal to 0x7E or 0x7D inside the frame are escaped with 0x7D followed by the byte XOR 0x20. "
            "The receiver discards any frame whose checksum does not match and increments the "
            "corresponding diagnostic counter.",
        ),
        (
            "table",
            [
                ["Command", "Code", "Direction", "Payload"],
                ["PING", "0x01", "GW -> node", "none"],
                ["GET_SPECTRUM", "0x10", "GW -> node", "channel (1 byte)"],
                ["SPECTRUM", "0x90", "node -> GW", "512 x uint16 magnitudes, split in frames"],
                ["SET_CONFIG", "0x20", "GW -> node", "TLV list"],
                ["ACK", "0x7F", "both", "command code"],
            ],
        ),
        ("h", 2, "5 Driver behaviour"),
        (
            "ol",
            [
                "Initialisation enables the peripheral clock, configures PA9/PA10 as alternate function 7, "
                "programs USART_BRR and sets UE, TE, RE and RXNEIE in USART_CR1.",
                "Reception is interrupt-driven into a 256-byte ring buffer; an overflow increments a counter "
                "and drops the newest byte.",
                "Transmission copies into a 256-byte ring buffer and enables TXEIE; the interrupt handler "
                "disables TXEIE when the buffer is empty.",
                "Framing, noise and overrun errors are counted separately for the diagnostic report."
                + (" A byte received with a framing error is discarded (FW-211)." if d else ""),
            ],
        ),
        (
            "p",
            "The acknowledgement of every configuration command is mandatory; the gateway retries three times "
            "with a timeout of 50 ms before it reports a communication failure. Interoperability with "
            "gateways running firmware older than v2.0.0 is not required.",
        ),
        ("break",),
        ("h", 2, "6 Electromagnetic compatibility"),
        (
            "p",
            "The interface shall pass IEC 61000-4-2 contact discharge at 4 kV with criterion A and IEC 61000-4-4 "
            "fast transients at 1 kV with criterion B. Emissions of the cable are covered by CISPR 32 Class B "
            "measurements of the complete system.",
        ),
        ("h", 2, "7 Verification"),
        (
            "p",
            "Conformance is demonstrated by the test report FW-TR-2024-018, which exercises every baud rate of "
            "section 3 with ten megabytes of pseudo-random frames and the corresponding error injection.",
        ),
    ]
    owner = TOBIAS if d else INGRID
    return SpecDoc(
        blocks,
        _header("SPEC-UART-001", rev, "UART Interface", owner),
        BOILERPLATE_FOOTER,
        f"SPEC-UART-001 Rev {rev}",
        owner.name,
    )


def psu_spec() -> SpecDoc:
    blocks: list[Block] = [
        *_front(
            "SPEC-PSU-004 Power Supply Product Specification",
            "This specification describes the electrical, thermal and environmental characteristics of the "
            "PWR-24-05 power supply board. Values are guaranteed over the full temperature range unless a "
            "condition is stated. Typical values are the mean of the characterisation samples at 25 degC.",
            _revisions(
                [
                    ("1.0", "2024-01-22", MARTA, "First release"),
                    ("1.1", "2024-03-20", MARTA, "Efficiency figures from layout revision B measurements"),
                    ("1.2", "2024-04-15", DANIEL, "EMC results added (CISPR 32 Class B)"),
                ]
            ),
            [
                ["[1]", "PSU-DR-012", "Power supply design review"],
                ["[2]", "EMC-TR-2024-031", "Radiated emissions"],
                ["[3]", "EN 50155", "Railway applications, electronic equipment"],
                ["[4]", "TPS54331 datasheet", "3.5 A step-down converter"],
            ],
            [
                ["SELV", "Safety extra-low voltage"],
                ["FIT", "Failures in time (per 10^9 hours)"],
                ["Rth", "Thermal resistance"],
                ["TVS", "Transient voltage suppressor"],
            ],
        ),
        ("h", 2, "1 Electrical characteristics"),
        (
            "table",
            [
                ["Parameter", "Condition", "Min", "Typ", "Max", "Unit"],
                ["Input voltage", "continuous", "18", "24", "32", "V"],
                ["Input surge", "EN 50155, 1 s", "", "", "40", "V"],
                ["5 V output voltage", "0 to 3 A", "4.90", "5.00", "5.10", "V"],
                ["3.3V output voltage", "0 to 1 A", "3.23", "3.30", "3.37", "V"],
                ["3.3V ripple", "20 MHz bandwidth", "", "4", "10", "mVpp"],
                ["Switching frequency", "", "510", "570", "630", "kHz"],
                ["Efficiency", "24 V, 5 V at 3 A", "85", "89", "", "%"],
            ],
        ),
        (
            "p",
            "The output voltage of the LM317T post-regulator follows Vout = 1.25 V x (1 + R2 / R1) with "
            "R1 = 240 Ohm. Its temperature coefficient adds less than 20 mV over the full range, which is "
            "included in the tolerances above. The characterisation was performed on five boards from two "
            "production lots; measurement uncertainty is documented in the calibration certificates of the "
            "laboratory instruments.",
        ),
        ("break",),
        ("h", 2, "2 Protection"),
        (
            "ul",
            [
                "Reverse polarity up to -32 V continuous, no damage.",
                "Output short circuit: hiccup mode of the TPS54331, automatic recovery.",
                "Overtemperature: the LM317T internal thermal shutdown at about 165 degC junction temperature.",
                "Fuse F1 3 A fast-acting, not user-replaceable.",
            ],
        ),
        ("note", "Check the 38.9 V clamp of the input TVS against the 40 V rating of SS34 (PSU-DR-012 F-04)."),
        ("h", 2, "3 Thermal characteristics"),
        (
            "p",
            "At 70 degC ambient and full load the hottest component is the LM317T with a junction temperature "
            "of 121 degC when fitted with the specified heatsink below 12 K/W. Without a heatsink the "
            "continuous 3.3V load is limited to 400 mA. Thermal resistances are given in Kelvin per watt.",
        ),
        (
            "table",
            [
                ["Component", "Rth (K/W)", "Loss (W)", "Tj at 70 degC (degC)"],
                ["LM317T + heatsink", "16", "1.9", "121"],
                ["TPS54331", "42", "0.9", "108"],
                ["SS34 (each)", "60", "0.4", "94"],
                ["L1", "35", "0.5", "88"],
            ],
        ),
        ("break",),
        ("h", 2, "4 Environmental"),
        (
            "table",
            [
                ["Test", "Standard", "Level"],
                ["Operating temperature", "IEC 60068-2-1/-2", "-40 to +70 degC"],
                ["Vibration", "IEC 61373", "Category 1 class B"],
                ["Shock", "IEC 61373", "5 g, 30 ms"],
                ["Humidity", "IEC 60068-2-30", "95 % RH, cyclic"],
                ["ESD", "IEC 61000-4-2", "6 kV contact"],
                ["Radiated emissions", "CISPR 32", "Class B"],
            ],
        ),
        ("h", 2, "5 Functional safety"),
        (
            "p",
            "The board is not a safety element by itself. When used in a system developed according to "
            "IEC 61508 or ISO 26262, the failure rates below may be used for the hardware metrics; they "
            "were derived from the SN 29500 database at 55 degC mean operating temperature.",
        ),
        (
            "table",
            [
                ["Failure mode", "FIT", "Effect"],
                ["5 V output low", "38", "system reset"],
                ["5 V output high", "6", "possible damage of the load"],
                ["3.3V output open", "21", "loss of function"],
                ["Input short", "4", "fuse opens"],
            ],
        ),
        ("h", 2, "6 Mechanical"),
        (
            "p",
            "Board outline 100 mm x 60 mm, four M3 mounting holes on a 90 mm x 50 mm grid, maximum component "
            "height 25 mm on the top side including the heatsink. Connectors: J1 input terminal block 5.08 mm, "
            "J2 output header 2.54 mm. The recommended installation orientation is vertical with the heatsink fins "
            "aligned to the natural convection airflow; horizontal installation requires a derating of the "
            "3.3V output current by twenty percent, and conformal coating is recommended for installations "
            "with condensation.",
        ),
    ]
    return SpecDoc(
        blocks,
        _header("SPEC-PSU-004", "1.2", "PWR-24-05 Product Specification", MARTA),
        BOILERPLATE_FOOTER,
        "SPEC-PSU-004 Rev 1.2",
        MARTA.name,
    )


def spi_flash_spec() -> SpecDoc:
    commands = [
        ["Instruction", "Code", "Address bytes", "Dummy cycles", "Data"],
        ["Write enable", "0x06", "0", "0", "none"],
        ["Read status register 1", "0x05", "0", "0", "1 byte"],
        ["Read data", "0x03", "3", "0", "1 to infinity"],
        ["Fast read", "0x0B", "3", "8", "1 to infinity"],
        ["Page program", "0x02", "3", "0", "1 to 256 bytes"],
        ["Sector erase 4 kB", "0x20", "3", "0", "none"],
        ["Block erase 64 kB", "0xD8", "3", "0", "none"],
        ["JEDEC ID", "0x9F", "0", "0", "3 bytes"],
        ["Power down", "0xB9", "0", "0", "none"],
        ["Release power down", "0xAB", "0", "3", "1 byte"],
    ]
    spi_regs = [
        ("CR1", 0x00, "0x0000", "Control 1: CPHA, CPOL, MSTR, BR[2:0], SPE, LSBFIRST, SSM, SSI"),
        ("CR2", 0x04, "0x0000", "Control 2: RXDMAEN, TXDMAEN, SSOE, ERRIE, RXNEIE, TXEIE"),
        ("SR", 0x08, "0x0002", "Status: RXNE, TXE, MODF, OVR, BSY"),
        ("DR", 0x0C, "0x0000", "Data register, 8 or 16 bits"),
    ]
    blocks: list[Block] = [
        *_front(
            "SPEC-SPI-002 External SPI Flash Interface",
            "The sensor node stores calibration data, configuration and up to 64 vibration spectra in a "
            "W25Q64JV serial flash of 8 MB connected to SPI1. This document specifies the electrical "
            "interface, the command subset used by the firmware and the data layout.",
            _revisions(
                [
                    ("A", "2023-10-02", TOBIAS, "Initial version"),
                    ("B", "2024-03-11", AIKO, "Wear levelling of the spectrum area; power-down timing"),
                ]
            ),
            [
                ["[1]", "W25Q64JV datasheet", "3 V 64 Mbit serial flash memory"],
                ["[2]", "RM0090", "STM32F405/407 reference manual, SPI chapter"],
                ["[3]", "SNS-DR-015", "Sensor node design review"],
            ],
            [
                ["CPOL", "Clock polarity"],
                ["CPHA", "Clock phase"],
                ["JEDEC", "Solid State Technology Association"],
                ["WEL", "Write enable latch"],
            ],
        ),
        ("h", 2, "1 Electrical interface"),
        (
            "p",
            "SPI1 runs in mode 0 (CPOL = 0, CPHA = 0) at 21 MHz, derived from the 84 MHz APB2 clock with a "
            "prescaler of four. Chip select is driven by GPIO PA4 in software; the hold and write-protect "
            "pins of the flash are tied to 3.3V through 10 kOhm. A 100nF decoupling capacitor sits next to "
            "the supply pin. The SPI1 base address is 0x40013000.",
        ),
        _register_table("SPI", 0x40013000, spi_regs),
        ("break",),
        ("h", 2, "2 Command subset"),
        ("table", commands),
        (
            "p",
            "Before any program or erase instruction the firmware issues write enable and afterwards polls "
            "the busy bit of status register 1 with a timeout: 3 ms for a page, 400 ms for a 4 kB sector and "
            "2 s for a 64 kB block. Exceeding the timeout is reported as a hardware fault.",
        ),
        ("break",),
        ("h", 2, "3 Data layout"),
        (
            "table",
            [
                ["Area", "Start", "Size", "Content"],
                ["Header", "0x000000", "4 kB", "magic, layout version, CRC"],
                ["Calibration", "0x001000", "4 kB", "accelerometer offsets and gains, NTC table"],
                ["Configuration", "0x002000", "8 kB", "two copies, alternating, with sequence number"],
                ["Spectra", "0x010000", "4 MB", "64 slots of 64 kB, ring with wear levelling"],
                ["Firmware image", "0x400000", "2 MB", "staging area for updates"],
            ],
        ),
        (
            "p",
            "The configuration area holds two copies that are written alternately; on start-up the copy with "
            "the higher sequence number and a valid checksum is used. This guarantees that an interrupted "
            "write never leaves the node without a consistent configuration.",
        ),
        ("h", 2, "4 Power management"),
        (
            "p",
            "Between measurements the flash is put into power-down mode, reducing its current from 10 uA to "
            "1 uA. The release from power-down needs 3 us before the next instruction; the driver waits "
            "5 us to include margin for temperature and supply variation.",
        ),
        ("h", 2, "5 Endurance"),
        (
            "p",
            "Each sector endures 100,000 erase cycles. With one spectrum written every 15 minutes and wear "
            "levelling over 64 slots, each sector sees about 550 erase cycles per year, far below the limit. "
            "Endurance verification is performed on three samples in the climate chamber.",
        ),
    ]
    return SpecDoc(
        blocks,
        _header("SPEC-SPI-002", "B", "SPI Flash Interface", AIKO),
        BOILERPLATE_FOOTER,
        "SPEC-SPI-002 Rev B",
        AIKO.name,
    )


def can_spec() -> SpecDoc:
    messages = [
        ["ID", "Name", "Period (ms)", "DLC", "Content"],
        ["0x100", "GW_HEARTBEAT", "100", "8", "uptime, state, error flags"],
        ["0x180", "NODE_STATUS", "1000", "8", "node id, battery voltage, temperature in Kelvin x 10"],
        ["0x200", "SPECTRUM_PEAK", "event", "8", "frequency (Hz), magnitude, axis"],
        ["0x280", "ALARM", "event", "4", "alarm code, severity"],
        ["0x300", "CONFIG_REQ", "event", "8", "parameter id, value"],
        ["0x380", "CONFIG_RSP", "event", "8", "parameter id, status"],
    ]
    blocks: list[Block] = [
        *_front(
            "SPEC-CAN-003 Gateway CAN Interface",
            "The gateway based on the STM32F767ZI collects the data of up to 32 sensor nodes over RS-485 and "
            "forwards condition-monitoring events to the vehicle network over classical CAN at 500 kbit/s. "
            "This specification covers bit timing, message catalogue and error handling.",
            _revisions(
                [
                    ("1", "2024-04-22", RAJESH, "Initial release"),
                    ("2", "2024-07-01", TOBIAS, "Added CONFIG_REQ and CONFIG_RSP, bus-off recovery"),
                ]
            ),
            [
                ["[1]", "ISO 11898-1", "CAN data link layer and physical signalling"],
                ["[2]", "ISO 16845-1", "CAN conformance test plan"],
                ["[3]", "RM0410", "STM32F76x reference manual"],
                ["[4]", "SPEC-UART-001", "UART interface of the sensor node"],
            ],
            [
                ["BRP", "Baud rate prescaler"],
                ["DLC", "Data length code"],
                ["SJW", "Synchronisation jump width"],
                ["TQ", "Time quantum"],
            ],
        ),
        ("h", 2, "1 Bit timing"),
        (
            "p",
            "The bxCAN peripheral is clocked from the 54 MHz APB1 clock. A prescaler of 6 gives a time quantum "
            "of 111 ns; with 18 quanta per bit (1 + 15 + 2) the sample point is at 88.9 %, within the range "
            "recommended for the network. The synchronisation jump width is one quantum.",
        ),
        (
            "table",
            [
                ["Register field", "Value", "Meaning"],
                ["BRP", "5", "prescaler 6"],
                ["TS1", "14", "15 quanta"],
                ["TS2", "1", "2 quanta"],
                ["SJW", "0", "1 quantum"],
            ],
        ),
        ("break",),
        ("h", 2, "2 Message catalogue"),
        ("table", messages),
        (
            "p",
            "All signals are little-endian. Temperatures are transmitted in Kelvin multiplied by ten so that "
            "negative Celsius values need no sign handling; voltages in millivolts.",
        ),
        ("break",),
        ("h", 2, "3 Error handling"),
        (
            "ol",
            [
                "Error passive: the gateway keeps transmitting and logs the transition with a timestamp.",
                "Bus-off: automatic recovery after 128 occurrences of 11 recessive bits, then a 1 s back-off "
                "before the next transmission attempt.",
                "Lost heartbeat of the vehicle master for 500 ms: the gateway stops transmitting alarms and "
                "stores them for later transmission.",
            ],
        ),
        (
            "p",
            "The busload with 32 nodes is 61 % at 500 kbit/s in the worst case of simultaneous alarms. The "
            "arbitration guarantees the heartbeat, but spectrum peak messages may be delayed by up to 40 ms, "
            "which is acceptable according to the system requirements.",
        ),
        ("h", 2, "4 Physical layer"),
        (
            "p",
            "The transceiver is a TCAN1042 supplied from 5 V with a 3.3V logic interface. Split termination of "
            "2 x 60 Ohm with 4.7 nF to ground is fitted when the gateway is at the end of the bus. Common-mode "
            "chokes are placed in front of the transceiver for immunity according to ISO 11452-4.",
        ),
        ("h", 2, "5 Conformance"),
        (
            "p",
            "Conformance testing follows ISO 16845-1 for the controller and the manufacturer's interoperability "
            "test specification for the transceiver.",
        ),
    ]
    return SpecDoc(
        blocks,
        _header("SPEC-CAN-003", "2", "Gateway CAN Interface", RAJESH),
        BOILERPLATE_FOOTER,
        "SPEC-CAN-003 Rev 2",
        RAJESH.name,
    )


def specs() -> dict[str, SpecDoc]:
    """Relative path -> spec of every sample .pdf."""
    return {
        "specs/SPEC-UART-001_rev_C.pdf": uart_spec("C"),
        "specs/SPEC-UART-001_rev_D.pdf": uart_spec("D"),
        "specs/SPEC-PSU-004_power_supply.pdf": psu_spec(),
        "specs/SPEC-SPI-002_spi_flash.pdf": spi_flash_spec(),
        "specs/SPEC-CAN-003_gateway_can.pdf": can_spec(),
    }

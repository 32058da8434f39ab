"""Tiny record sets with planted duplicates, shared by the dedup and split tests."""

from __future__ import annotations

import hashlib

from adaptline.records import Location, Record

PROSE_A = (
    "The buck converter uses a TPS54331 running at 570 kHz. The output ripple measured 18 mV peak to peak at "
    "full load, within the 30 mV budget. The compensation network was retuned after the first bring-up because "
    "the phase margin was only 38 degrees; it is now 52 degrees with a crossover near 40 kHz."
)
PROSE_A_EDITED = PROSE_A.replace("18 mV", "19 mV").replace("retuned", "re-tuned")
PROSE_B = (
    "Radiated emissions were scanned from 30 MHz to 1 GHz in the semi-anechoic chamber. The worst peak was at "
    "148 MHz, 4 dB under the class B limit, traced to the SPI clock harmonics of the flash interface. Adding a "
    "33 ohm series resistor on SCK reduced the peak by a further 6 dB."
)
BOILERPLATE = "Kestrel Dynamics GmbH - Company confidential - do not distribute without written approval."
C_UART_F4 = """/* Send one byte over USART1, blocking until the data register is empty. */
void uart_send_byte(uint8_t value)
{
    while ((USART1->SR & USART_SR_TXE) == 0u) {
    }
    USART1->DR = value;
    tx_count_f4 += 1u;
    if (tx_count_f4 > 1000u) {
        tx_count_f4 = 0u;
    }
}
"""
C_UART_F7 = (
    C_UART_F4.replace("USART1", "USART6").replace("USART_SR_TXE", "USART_ISR_TXE").replace("tx_count_f4", "tx_cnt")
)
C_OTHER = """/* Start an ADC conversion on channel ch and wait for the result. */
uint16_t adc_read(uint8_t ch)
{
    ADC1->SQR3 = ch;
    ADC1->CR2 |= ADC_CR2_SWSTART;
    while (!(ADC1->SR & ADC_SR_EOC)) {
    }
    return (uint16_t)ADC1->DR;
}
"""
TABLE_DOCX = """## Bill of materials

| Ref | Part number | Description | Qty |
|---|---|---|---|
| U1 | LM317T | Adjustable linear regulator | 1 |
| U2 | TPS54331DR | Step-down converter | 1 |
| D1 | SS34 | Schottky diode 3 A 40 V | 2 |
| C5 | GRM155R71C104KA88D | Capacitor 100nF 16 V X7R | 12 |"""
TABLE_XLSX = """Columns: Ref | Part number | Description | Qty
Ref: U1; Part number: LM317T; Description: Adjustable linear regulator; Qty: 1
Ref: U2; Part number: TPS54331DR; Description: Step-down converter; Qty: 1
Ref: D1; Part number: SS34; Description: Schottky diode 3 A 40 V; Qty: 2
Ref: C5; Part number: GRM155R71C104KA88D; Description: Capacitor 100nF 16 V X7R; Qty: 12"""


def doc_id_for(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def record(path: str, kind: str, text: str, chunk: int = 0, part: str = "body") -> Record:
    return Record(
        doc_id=doc_id_for(path),
        source_path=path,
        kind=kind,
        location=Location(part=part),
        chunk_index=chunk,
        text=text,
        context=f"{path} · {kind}",
    )


def planted_corpus() -> list[Record]:
    return [
        record("reviews/psu_rev_A.docx", "docx", PROSE_A),
        record("reviews/psu_rev_A.docx", "docx", BOILERPLATE, chunk=1, part="footer"),
        record("reviews/psu_rev_B.docx", "docx", PROSE_A_EDITED),
        record("reviews/psu_rev_B.docx", "docx", BOILERPLATE, chunk=1, part="footer"),
        record("reports/emc.docx", "docx", PROSE_B),
        record("reports/emc.docx", "docx", BOILERPLATE, chunk=1, part="footer"),
        record("fw/f4/uart.c", "c", C_UART_F4),
        record("fw/f7/uart.c", "c", C_UART_F7),
        record("fw/f4/adc.c", "c", C_OTHER),
        record("reviews/psu_bom_section.docx", "docx", TABLE_DOCX),
        record("bom/psu.xlsx", "xlsx", TABLE_XLSX),
    ]

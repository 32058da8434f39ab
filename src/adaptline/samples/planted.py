"""Fake personal data planted in the sample corpus, and engineering jargon that must survive scrubbing.

Every value here is invented (fictional names, 555-01xx / Ofcom drama phone ranges, documentation
IBANs, card-network test numbers, ``.example`` mail domains). The corpus generator takes its
values from these constants only, so a scrub test can assert that each planted string is gone
and each jargon string is still there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """One fictional employee; different documents name different people."""

    name: str
    email: str
    phone: str
    employee_id: str


MARTA = Person("Marta Kowalczyk", "marta.kowalczyk@kestrel-dynamics.example", "+49 89 2019 4471", "EMP-004521")
DANIEL = Person("Daniel Okafor", "daniel.okafor@kestrel-dynamics.example", "+44 20 7946 0321", "EMP-017733")
INGRID = Person("Ingrid Halvorsen", "ingrid.halvorsen@kestrel-dynamics.example", "+46 8 123 456 78", "EMP-020914")
RAJESH = Person("Rajesh Venkataraman", "r.venkataraman@kestrel-dynamics.example", "+1 408 555 0147", "EMP-031186")
TOBIAS = Person("Tobias Brenner", "tobias.brenner@kestrel-dynamics.example", "+33 1 70 36 21 84", "EMP-008862")
AIKO = Person("Aiko Tanaka", "aiko.tanaka@kestrel-dynamics.example", "+81 3 4520 7788", "EMP-026450")
PEOPLE: tuple[Person, ...] = (MARTA, DANIEL, INGRID, RAJESH, TOBIAS, AIKO)

# The (fictional) company that writes the documents: shared boilerplate, not personal data.
COMPANY = "Kestrel Dynamics GmbH"
BOILERPLATE_FOOTER = f"{COMPANY} - Company Confidential - Do not distribute without written permission"

# Customers: on the deny-list, so the scrub stage must remove them.
CUSTOMERS: tuple[str, ...] = ("Helios Rail Systems AG", "Northwind Medical Devices", "Acme Robotics GmbH")

STREET_ADDRESS_US = "1420 Harbor View Drive, San Jose, CA 95112"
STREET_ADDRESS_DE = "Feldbergstrasse 17, 80331 Munich"
IBAN = "DE44 5001 0517 5407 3249 31"
IBAN_GB = "GB82 WEST 1234 5698 7654 32"
CREDIT_CARD = "4111 1111 1111 1111"
US_SSN = "512-47-3306"
HOST_IP = "10.42.7.19"
LAB_IP = "192.168.40.12"
DATE_OF_BIRTH = "1986-11-23"
API_TOKEN = "AKIAIOSFODNN7EXAMPLE"
PASSWORD = "Gw!7pLx2#Tq9"
WIFI_PSK = "kestrel-lab-2024!"
PRIVATE_KEY_BODY = (
    "MIIEowIBAAKCAQEAx3kZ9PqW2rLmN8tV5bYc1oHfJ4dXsE7gUiK0aRzTnQpM6wCv",
    "Lh2yBf9jGk3sD8eR1tNu5pOq7iWx4cAzV0mYlKb6HnJgTrEsF2dQoPu8vXyM1a3e",
)
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(PRIVATE_KEY_BODY) + "\n-----END RSA PRIVATE KEY-----"

# entity type (as in adaptline.scrub.params.SUPPORTED_ENTITIES) -> exact strings planted in data/sample.
PLANTED_PII: dict[str, list[str]] = {
    "PERSON": [p.name for p in PEOPLE],
    "EMAIL_ADDRESS": [p.email for p in PEOPLE],
    "PHONE_NUMBER": [p.phone for p in PEOPLE],
    "EMPLOYEE_ID": [p.employee_id for p in PEOPLE],
    "STREET_ADDRESS": [STREET_ADDRESS_US, STREET_ADDRESS_DE],
    "IBAN_CODE": [IBAN, IBAN_GB],
    "CREDIT_CARD": [CREDIT_CARD],
    "US_SSN": [US_SSN],
    "IP_ADDRESS": [HOST_IP, LAB_IP],
    "DATE_OF_BIRTH": [DATE_OF_BIRTH],
    "API_TOKEN": [API_TOKEN],
    "PASSWORD": [PASSWORD, WIFI_PSK],
    "PRIVATE_KEY": list(PRIVATE_KEY_BODY),
    "ORGANIZATION": list(CUSTOMERS),
}

# Engineering strings that occur in data/sample and must never be redacted.
JARGON: list[str] = [
    "0x40011000",
    "0x40004400",
    "0x40023830",
    "USART_CR1",
    "USART_BRR",
    "RCC_APB2ENR",
    "GPIOA",
    "LM317T",
    "STM32F407VG",
    "STM32F767ZI",
    "74HC595",
    "TPS54331",
    "3.3V",
    "100nF",
    "4.7kΩ",
    "16 MHz",
    "115200 baud",
    "PA9",
    "PA10",
    "v2.1.0",
    "IEC 61508",
    "ISO 26262",
    "CISPR 32",
    "Ohm",
    "Kelvin",
    "Tesla",
    "Fourier",
]

# Terms the scrub stage should never redact in this corpus (written to data/sample_allow_list.txt).
ALLOW_LIST: list[str] = [
    "Kestrel",
    "Kestrel Dynamics GmbH",
    "Ohm",
    "Kelvin",
    "Tesla",
    "Fourier",
    "Hall",
    "Schottky",
    "Zener",
    "Miller",
    "Nyquist",
    "Bode",
    "re:v\\d+\\.\\d+\\.\\d+",
    "re:0x[0-9A-Fa-f]+",
    # component manufacturers in the BOMs: company names, not personal data
    "Analog Devices",
    "Bourns",
    "Infineon",
    "Littelfuse",
    "Murata",
    "Nexperia",
    "Panasonic",
    "STMicroelectronics",
    "TDK",
    "TE Connectivity",
    "Texas Instruments",
    "Vishay",
    "Wurth Elektronik",
    "Yageo",
]

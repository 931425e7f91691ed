"""Tests for parsers.textutil.legacy (TCVN3 / VNI -> Unicode NFC)."""

import glob
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.textutil.legacy import (
    TCVN3_DECODE,
    TCVN3_ENCODE,
    VIETNAMESE_SPECIAL_LETTERS,
    VNI_ENCODE,
    decode_bytes,
    detect_legacy,
    encoding_from_font,
    fix_legacy_text,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

FIXTURES = Path(__file__).parent / "fixtures" / "legacy"
SEED_FILES = sorted(glob.glob("/work/shared/seeds/*.txt"))
SENTENCES = (FIXTURES / "sentences.txt").read_text(encoding="utf-8").splitlines()
HEADINGS = [s for s in SENTENCES if s == s.upper()]

LOWER = "".join(ch for ch in VIETNAMESE_SPECIAL_LETTERS if ch.islower())
UPPER = "".join(ch for ch in VIETNAMESE_SPECIAL_LETTERS if ch.isupper())
TCVN3_CAPITALS = "ĂÂÊÔƠƯĐ"
TONE_MARKS = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")  # table row order


def tcvn3_case_fold(text: str) -> str:
    """Given Unicode text, return it as .VnTime TCVN3 can hold it (toned capitals lowered)."""
    return "".join(
        ch.lower() if ch in VIETNAMESE_SPECIAL_LETTERS and ch not in TCVN3_CAPITALS else ch
        for ch in unicodedata.normalize("NFC", text)
    )


# --------------------------------------------------------------------------- tables


def test_alphabet_has_134_letters_67_per_case():
    assert len(VIETNAMESE_SPECIAL_LETTERS) == len(set(VIETNAMESE_SPECIAL_LETTERS)) == 134
    assert len(LOWER) == len(UPPER) == 67
    assert UPPER == LOWER.upper()
    assert all(unicodedata.is_normalized("NFC", ch) for ch in VIETNAMESE_SPECIAL_LETTERS)


@pytest.mark.parametrize("row", ["aàảãáạ", "ăằẳẵắặ", "êềểễếệ", "iìỉĩíị", "ơờởỡớợ", "ưừửữứự", "yỳỷỹýỵ"])
def test_tone_order_in_rows(row):
    for letter, mark in zip(row, TONE_MARKS, strict=True):
        decomposed = unicodedata.normalize("NFD", letter)
        assert set(decomposed) & set(TONE_MARKS[1:]) == ({mark} if mark else set())


def test_tcvn3_table_shape():
    assert set(TCVN3_ENCODE) == set(VIETNAMESE_SPECIAL_LETTERS)
    assert len(TCVN3_DECODE) == 74  # 67 lowercase + Ă Â Ê Ô Ơ Ư Đ
    assert all(0xA1 <= ord(code) <= 0xFE for code in TCVN3_DECODE)
    assert [TCVN3_ENCODE[ch] for ch in TCVN3_CAPITALS] == [chr(b) for b in range(0xA1, 0xA8)]
    assert [TCVN3_ENCODE[ch] for ch in "ăâêôơưđ"] == [chr(b) for b in range(0xA8, 0xAF)]


def test_vni_table_shape():
    assert set(VNI_ENCODE) == set(VIETNAMESE_SPECIAL_LETTERS)
    assert len(set(VNI_ENCODE.values())) == 134
    for letter, spelling in VNI_ENCODE.items():
        assert spelling.encode("cp1252")  # every VNI character exists in cp1252
        assert all(ch.isascii() or 0xC0 <= ord(ch) <= 0xFF for ch in spelling)
        if letter.isupper():
            assert spelling == VNI_ENCODE[letter.lower()].upper()


# --------------------------------------------------------------------------- known strings

TCVN3_KNOWN = {
    "C¶i c¸ch hµnh chÝnh": "Cải cách hành chính",
    "Céng hoµ x· héi chñ nghÜa ViÖt Nam": "Cộng hoà xã hội chủ nghĩa Việt Nam",
    "§éc lËp - Tù do - H¹nh phóc": "Độc lập - Tự do - Hạnh phúc",
    "Thñ t\xadíng ChÝnh phñ": "Thủ tướng Chính phủ",
    "QuyÕt ®Þnh sè 3369/Q§-UBND": "Quyết định số 3369/QĐ-UBND",
    "s¾p xÕp, b»ng, h¼n, s½n, mÆt, nghÌo, trÎ, vÏ, phÐp, nhÑ": "sắp xếp, bằng, hẳn, sẵn, mặt, nghèo, trẻ, vẽ, phép, nhẹ",
    "g×, vßng, nhá, râ, cã, häc, hç trî, ë, gì, tïy, còng, tõ, sö, kú, uû, kü, ý, lþ": (
        "gì, vòng, nhỏ, rõ, có, học, hỗ trợ, ở, gỡ, tùy, cũng, từ, sử, kỳ, uỷ, kỹ, ý, lỵ"
    ),
}

VNI_KNOWN = {
    "Caûi caùch haønh chính": "Cải cách hành chính",
    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam": "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Ñoäc laäp - Töï do - Haïnh phuùc": "Độc lập - Tự do - Hạnh phúc",
    "Quyeát ñònh soá 3369/QÑ-UBND": "Quyết định số 3369/QĐ-UBND",
    "naêm, saép xeáp, baèng, haún, saün saøng, maët": "năm, sắp xếp, bằng, hẳn, sẵn sàng, mặt",
    "tieâu chuaån, höôùng daãn, ñaàu, caáp, UÛy ban nhaân daân tænh": (
        "tiêu chuẩn, hướng dẫn, đầu, cấp, Ủy ban nhân dân tỉnh"
    ),
    "CAÛI CAÙCH THUÛ TUÏC HAØNH CHÍNH": "CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
    "ÑIEÀU 1. NGÖÔØI ÑÖÙNG ÑAÀU": "ĐIỀU 1. NGƯỜI ĐỨNG ĐẦU",
    "huyeän lî, Mî": "huyện lỵ, Mỵ",
}


@pytest.mark.parametrize(("legacy", "expected"), TCVN3_KNOWN.items())
def test_tcvn3_known_strings(legacy, expected):
    assert tcvn3_to_unicode(legacy) == expected


@pytest.mark.parametrize(("legacy", "expected"), VNI_KNOWN.items())
def test_vni_known_strings(legacy, expected):
    assert vni_to_unicode(legacy) == expected


def test_vni_modifier_case_follows_base_letter():
    assert vni_to_unicode("AÙ Aù aÙ") == "Á Á á"


def test_vni_stray_modifier_is_kept():
    assert vni_to_unicode("bé, Zoë") == "bé, Zoë"


# --------------------------------------------------------------------------- every letter


@pytest.mark.parametrize("letter", VIETNAMESE_SPECIAL_LETTERS)
def test_vni_round_trip_every_letter(letter):
    assert vni_to_unicode(unicode_to_vni(letter)) == letter
    assert vni_to_unicode(unicode_to_vni(f"x{letter}y")) == f"x{letter}y"


@pytest.mark.parametrize("letter", LOWER + TCVN3_CAPITALS)
def test_tcvn3_round_trip_every_coded_letter(letter):
    assert tcvn3_to_unicode(unicode_to_tcvn3(letter)) == letter


@pytest.mark.parametrize("letter", UPPER)
def test_tcvn3_capitals_round_trip_through_uppercase_font(letter):
    assert fix_legacy_text(unicode_to_tcvn3(letter), ".VnTimeH") == (letter, "tcvn3")


# --------------------------------------------------------------------------- seed sentences


@pytest.mark.skipif(not SEED_FILES, reason="seed documents not available")
def test_sentences_come_from_the_seeds():
    seeds = unicodedata.normalize("NFC", "".join(Path(f).read_text(encoding="utf-8") for f in SEED_FILES))
    assert len(SENTENCES) >= 20 and len(HEADINGS) >= 5
    assert [s for s in SENTENCES if s not in seeds] == []


@pytest.mark.parametrize("sentence", SENTENCES)
def test_vni_round_trip_sentences(sentence):
    assert vni_to_unicode(unicode_to_vni(sentence)) == sentence
    decomposed = unicodedata.normalize("NFD", sentence)
    assert vni_to_unicode(unicode_to_vni(decomposed)) == sentence


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tcvn3_round_trip_sentences(sentence):
    assert tcvn3_to_unicode(unicode_to_tcvn3(sentence)) == tcvn3_case_fold(sentence)


@pytest.mark.parametrize("heading", HEADINGS)
def test_tcvn3_headings_round_trip_with_uppercase_font(heading):
    assert fix_legacy_text(unicode_to_tcvn3(heading), ".VnTimeH") == (heading, "tcvn3")
    typed_lowercase = "".join(ch.lower() if ch.isascii() else ch for ch in unicode_to_tcvn3(heading))
    assert fix_legacy_text(typed_lowercase, ".VnArialH") == (heading, "tcvn3")


# --------------------------------------------------------------------------- hypothesis

ASCII_TEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-()/%\n"


@given(st.text(alphabet=VIETNAMESE_SPECIAL_LETTERS + ASCII_TEXT))
def test_vni_round_trip_property(text):
    assert vni_to_unicode(unicode_to_vni(text)) == text


@given(st.text(alphabet=LOWER + TCVN3_CAPITALS + ASCII_TEXT))
def test_tcvn3_round_trip_property(text):
    assert tcvn3_to_unicode(unicode_to_tcvn3(text)) == text


@given(st.text(alphabet=VIETNAMESE_SPECIAL_LETTERS + ASCII_TEXT))
def test_tcvn3_lowers_only_toned_capitals_property(text):
    assert tcvn3_to_unicode(unicode_to_tcvn3(text)) == tcvn3_case_fold(text)


@given(st.text(alphabet=UPPER + ASCII_TEXT.upper()))
def test_tcvn3_uppercase_font_property(text):
    assert fix_legacy_text(unicode_to_tcvn3(text), ".VnTimeH")[0] == text


# --------------------------------------------------------------------------- detection


@pytest.mark.skipif(not SEED_FILES, reason="seed documents not available")
@pytest.mark.parametrize("path", SEED_FILES)
def test_detect_none_on_unicode_seeds(path):
    text = Path(path).read_text(encoding="utf-8")
    assert detect_legacy(text) is None
    assert [line for line in text.splitlines() if detect_legacy(line)] == []


@pytest.mark.parametrize("sentence", SENTENCES)
def test_detect_none_on_unicode_sentences(sentence):
    assert detect_legacy(sentence) is None
    assert detect_legacy(unicodedata.normalize("NFD", sentence)) is None


@pytest.mark.parametrize("sentence", [s for s in SENTENCES if len(s.split()) >= 6])
def test_detect_legacy_sentences(sentence):
    assert detect_legacy(unicode_to_tcvn3(sentence)) == "tcvn3"
    assert detect_legacy(unicode_to_vni(sentence)) == "vni"


def test_detect_whole_sentence_list():
    text = "\n".join(SENTENCES)
    assert detect_legacy(unicode_to_tcvn3(text)) == "tcvn3"
    assert detect_legacy(unicode_to_vni(text)) == "vni"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "UBND CCHC 2026 - Ke hoach",
        "Café au lait",
        "Le garçon est allé où?",
        "Une idée naïve",
        "«Bonjour» dit-il",
        "Hôtel de ville",
        "L'élève a été très sérieux à l'école; où est le théâtre? Le maïs coûte cher en août.",
        "Ça coûte très cher, même pour un aéroport naïf à côté du château où l'on goûte.",
        "Vous êtes où? Où êtes-vous? Il a reçu la lettre de Zoë.",
        "«Oui», «non», «peut-être»",
        "Die Bäume über dem Fluß sind schön, für Müller ist es zu spät.",
        "Aún así, el niño comió pequeñas piñas en la mañana; Raúl está aquí, ¿qué tal?",
        "O João não é açúcar, é pão e feijão, avó e avô",
        "5 µg of © 2020 § 3 ½ ¼",
    ],
)
def test_detect_none_on_other_latin1_text(text):
    assert detect_legacy(text) is None


def test_detect_needs_more_than_one_word():
    assert detect_legacy("ViÖt") is None
    assert detect_legacy("Vieät") is None


# --------------------------------------------------------------------------- fix_legacy_text


@pytest.mark.parametrize(
    ("font", "encoding"),
    [
        (".VnTime", "tcvn3"),
        (".VnTimeH", "tcvn3"),
        (".VnArial", "tcvn3"),
        ("VNI-Times", "vni"),
        ("VNI-Helve", "vni"),
        ("Times New Roman", None),
        (None, None),
    ],
)
def test_encoding_from_font(font, encoding):
    assert encoding_from_font(font) == encoding


def test_fix_trusts_legacy_font_even_on_one_word():
    assert fix_legacy_text("ViÖt", ".VnTime") == ("Việt", "tcvn3")
    assert fix_legacy_text("Vieät", "VNI-Times") == ("Việt", "vni")
    assert fix_legacy_text("ViÖt nam", ".VnTimeH") == ("VIỆT NAM", "tcvn3")


def test_fix_detects_without_font():
    legacy = unicode_to_vni(SENTENCES[1])
    assert fix_legacy_text(legacy) == (SENTENCES[1], "vni")
    assert fix_legacy_text(legacy, "Arial") == (SENTENCES[1], "vni")


def test_fix_leaves_unicode_alone_even_with_legacy_font():
    decomposed = unicodedata.normalize("NFD", SENTENCES[0])
    assert fix_legacy_text(decomposed, ".VnTime") == (SENTENCES[0], None)
    assert fix_legacy_text("Café au lait") == ("Café au lait", None)


# --------------------------------------------------------------------------- decode_bytes


EXPECTED = (FIXTURES / "expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "label"), [("tcvn3_sample.txt", "tcvn3"), ("vni_sample.txt", "vni")])
def test_decode_sample_files(name, label):
    assert decode_bytes((FIXTURES / name).read_bytes()) == (EXPECTED, label)


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (EXPECTED.encode("utf-8"), "utf-8"),
        (EXPECTED.encode("utf-8-sig"), "utf-8"),
        (EXPECTED.encode("utf-16"), "utf-16"),
        (unicodedata.normalize("NFD", EXPECTED).encode("utf-8"), "utf-8"),
    ],
)
def test_decode_unicode_bytes(data, label):
    assert decode_bytes(data) == (EXPECTED, label)


def test_decode_plain_cp1252():
    text = "L'élève a été très sérieux à l'école; “où” est le théâtre?"
    assert decode_bytes(text.encode("cp1252")) == (text, "cp1252")


def test_decode_bytes_undefined_in_cp1252_fall_back_to_latin1():
    assert decode_bytes(b"caf\xe9 \x81") == ("café \x81", "cp1252")


def test_decode_legacy_text_pasted_into_utf8():
    legacy = unicode_to_tcvn3(EXPECTED).encode("utf-8")
    assert decode_bytes(legacy) == (EXPECTED, "tcvn3")


# --------------------------------------------------------------------------- DOCX sample


def docx_runs_text(paragraph) -> str:
    """Given a python-docx paragraph, return its text with each run fixed by its font."""
    return "".join(fix_legacy_text(run.text, run.font.name)[0] for run in paragraph.runs)


def test_docx_sample_runs_convert_by_font():
    docx = pytest.importorskip("docx")
    path = FIXTURES / "tcvn3_sample.docx"
    if not path.exists():
        pytest.skip("tcvn3_sample.docx not built (python-docx missing at build time)")
    document = docx.Document(str(path))
    paragraphs = [docx_runs_text(p) for p in document.paragraphs]
    cells = [
        docx_runs_text(p)
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
    ]
    expected = (FIXTURES / "expected_docx.txt").read_text(encoding="utf-8").splitlines()
    assert paragraphs + cells == expected
    raw = [run.text for p in document.paragraphs for run in p.runs]
    assert raw[0] != expected[0]  # the file really holds TCVN3, not Unicode
    fonts = {run.font.name for p in document.paragraphs for run in p.runs}
    assert {".VnTime", ".VnTimeH"} <= fonts

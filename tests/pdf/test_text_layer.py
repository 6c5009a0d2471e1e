"""The PDF text layer: fonts by script, Arabic right to left, preflight, footer, embedding."""

import io
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table

from coopdesk.pdf import fonts, sample
from coopdesk.pdf.layout import a4_document, qr_code, table
from coopdesk.pdf.preflight import (
    MissingGlyphError,
    check_flowables,
    flowable_problems,
    missing_glyphs,
)
from coopdesk.pdf.text import detect_script, is_rtl_text, para, row, styles

AR_LONG = (
    "اجتمعت لجنة القيادة المشتركة بمقر جماعة تيزنيت بحضور السيد Jean Dupont، رئيس جماعة "
    "Villeneuve-la-Garenne، وصادقت على ميزانية قدرها 1.234,50 د.م. لسنة 2026 وعلى برنامج عمل "
    "يضم 12 نشاطا في مجالات الماء والثقافة والشباب والرياضة والتكوين المهني."
)


@pytest.fixture(scope="module")
def sample_pdf() -> PdfReader:
    buf = io.BytesIO()
    sample.build(buf)
    buf.seek(0)
    return PdfReader(buf)


def _fonts_of(reader: PdfReader):
    for page in reader.pages:
        res = page["/Resources"].get_object()
        for _, ref in res.get("/Font", {}).items():
            yield ref.get_object()


def test_register_fonts_is_idempotent_and_thread_safe():
    import threading

    threads = [threading.Thread(target=fonts.register_fonts) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    fonts.register_fonts()
    assert fonts.has_glyph("Amiri", "\u202f") and fonts.has_glyph("Amiri", "€")
    assert not fonts.has_glyph("NotoSansTifinagh", "1")


def test_script_detection():
    assert detect_script("Compte rendu") == "latin"
    assert detect_script("Réunion avec محمد") == "arabic"
    assert detect_script("ⵜⵉⵣⵏⵉⵜ 2026") == "tifinagh"
    assert detect_script("12 / 3") == "common"
    assert is_rtl_text("محمد Dupont", "fr")
    assert not is_rtl_text("M. محمد", "fr")  # first strong letter is Latin
    assert is_rtl_text("Villeneuve: بلدية", "ar")
    assert not is_rtl_text("Jean Dupont", "ar")


def test_sample_document_builds_with_several_pages(sample_pdf):
    assert len(sample_pdf.pages) >= 2


def test_every_font_is_embedded(sample_pdf):
    names = set()
    for font in _fonts_of(sample_pdf):
        names.add(str(font["/BaseFont"]))
        if font.get("/Subtype") == "/Type0":
            font = font["/DescendantFonts"][0].get_object()
        descriptor = font.get("/FontDescriptor")
        assert descriptor is not None, f"{font.get('/BaseFont')} has no descriptor (standard font?)"
        descriptor = descriptor.get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font.get("/BaseFont")
    base = {re.sub(r"^[A-Z]{6}\+", "", n.lstrip("/")) for n in names}
    assert {"NotoSans-Regular", "Amiri-Regular", "NotoSansTifinagh-Regular"} <= base


def test_every_page_shows_page_x_of_y(sample_pdf):
    n = len(sample_pdf.pages)
    for i, page in enumerate(sample_pdf.pages, start=1):
        assert f"{i} / {n}" in page.extract_text()


def test_arabic_footer_and_arabic_document_build():
    buf = io.BytesIO()
    a4_document(buf, lang="ar", footer_text="النسخة 3 · البصمة 1f2e3d").build(
        [para(AR_LONG, "body", "ar"), table([["الاسم", "الصفة"], ["محمد أمين", "رئيس"]], "ar")]
    )
    reader = PdfReader(buf)
    assert "1 / 1" in reader.pages[0].extract_text()
    assert any("Amiri" in str(f["/BaseFont"]) for f in _fonts_of(reader))


def test_multiline_arabic_paragraph_is_amiri_shaped_rtl():
    p = para(AR_LONG, "body", "fr")  # an Arabic paragraph inside a French document
    assert p.style.fontName == "Amiri"
    assert p.style.wordWrap == "RTL"
    assert p.style.shaping
    assert p.style.alignment == TA_RIGHT
    assert {f.fontName for f in p.frags} == {"Amiri"}  # one font: no lost spaces
    assert len(p.wrap(200, 1000)) == 2 and len(p.blPara.lines) >= 3


def _line_text(line) -> str:
    return "".join(getattr(w, "text", "") for w in line.words)


def test_rtl_paragraph_lines_stay_in_reading_order():
    p = para("Alpha " + AR_LONG + " Omega", "body", "ar")
    assert p.style.wordWrap == "RTL"
    p.wrap(180, 1000)
    lines = p.blPara.lines
    assert len(lines) >= 4
    assert "Alpha" in _line_text(lines[0]) and "Omega" not in _line_text(lines[0])
    assert "Omega" in _line_text(lines[-1])


def test_latin_paragraph_is_noto_sans_ltr_and_bold_works():
    p = para("Ordre du jour", "h1", "fr")
    assert p.style.fontName == "NotoSans-Bold"
    assert p.style.wordWrap != "RTL"
    assert p.style.alignment == TA_LEFT
    assert para("Ordre du jour", "body", "fr", bold=True).style.fontName == "NotoSans-Bold"


def test_tifinagh_uses_fallback_font_for_digits_and_punctuation():
    p = para("ⵜⵉⵣⵏⵉⵜ, 26 ⵏⵓⵡⴰⵏⴱⵉⵔ 2026.", "body", "zgh")
    by_font: dict[str, str] = {}
    for f in p.frags:
        by_font[f.fontName] = by_font.get(f.fontName, "") + f.text
    assert "ⵜ" in by_font["NotoSansTifinagh"]
    assert "2026" in by_font["NotoSans"] and "," in by_font["NotoSans"] and "." in by_font["NotoSans"]
    assert not any(c.isdigit() for c in by_font["NotoSansTifinagh"])


def test_xml_specials_are_escaped():
    p = para("Budget < 5 000 € & recettes > 0", "body", "fr")
    assert "".join(f.text for f in p.frags).startswith("Budget < 5")


def test_babel_numbers_keep_their_glyphs():
    # U+202F (French grouping) and U+200F (ar_MA marks) never reach a font as is
    para("1\u202f234,50\u00a0€", "body", "fr")
    p = para("\u200f1.234,50\u00a0د.م.\u200f", "body", "ar")
    assert "\u200f" not in "".join(f.text for f in p.frags)


def test_preflight_flags_missing_glyphs():
    assert missing_glyphs("Tiznit ⵜⵉⵣⵏⵉⵜ", "NotoSans") == ["ⵜ", "ⵉ", "ⵣ", "ⵏ"]
    assert missing_glyphs("محمد", "NotoSans") == ["م", "ح", "د"]
    assert missing_glyphs("2026", "NotoSansTifinagh") == ["2", "0", "6"]
    assert missing_glyphs("1\u202f234 €", "Amiri") == []
    with pytest.raises(ValueError):
        missing_glyphs("abc", "Helvetica")  # never embedded


def test_preflight_on_a_story():
    fonts.register_fonts()
    bad = Paragraph("Tiznit ⵜⵉⵣⵏⵉⵜ", ParagraphStyle("x", fontName="NotoSans"))
    problems = flowable_problems([para("ok", "body", "fr"), Table([[bad]])])
    assert sorted(p.char for p in problems) == sorted(["ⵜ", "ⵉ", "ⵣ", "ⵏ", ""])  # + the table's Helvetica
    assert any(p.font == "Helvetica" for p in problems)
    with pytest.raises(MissingGlyphError):
        a4_document(io.BytesIO()).build([bad])
    plain = Table([["Nom"]])
    assert any(p.font == "table string" for p in flowable_problems([plain]))


def test_preflight_passes_on_the_real_texts():
    assert flowable_problems(sample.story()) == []
    check_flowables(sample.story())
    for lang, texts in sample.texts().items():
        for t in texts:
            para(t, "body", lang)  # raises if anything is missing


def test_para_refuses_arabic_with_tifinagh_in_a_rtl_paragraph():
    # Amiri has no Tifinagh, and a font change inside a right-to-left paragraph loses spaces
    with pytest.raises(MissingGlyphError) as err:
        para("محضر ⵜⵉⵣⵏⵉⵜ", "body", "ar")
    assert err.value.problems[0].char == "ⵜ"


def test_rtl_rows_are_mirrored():
    cells = row(["1", "2", "3"], "ar")
    assert [c.frags[0].text for c in cells] == ["3", "2", "1"]
    assert [c.frags[0].text for c in row(["1", "2"], "fr")] == ["1", "2"]


def test_styles_per_language():
    ar, fr = styles("ar"), styles("fr")
    assert set(fr) == {"title", "h1", "h2", "body", "small", "cell", "cell_bold"}
    assert ar["body"].fontName == "Amiri" and ar["body"].alignment == TA_RIGHT
    assert fr["cell_bold"].fontName == "NotoSans-Bold"


def test_qr_code_has_the_requested_size():
    d = qr_code("coopdesk:minutes:v3", 30)
    assert abs(d.width - 30 * 72 / 25.4) < 0.01

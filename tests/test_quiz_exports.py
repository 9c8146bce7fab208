"""LMS exports: QTI 1.2 and the IMS manifest validate against the official schemas in
<repo>/../shared, Moodle XML is well-formed and uses Moodle's fractions, GIFT round-trips."""

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from autograder.quizzes import load_quiz, student_quiz
from autograder.quizzes.export_moodle import MOODLE_FRACTIONS, moodle_xml
from autograder.quizzes.export_qti import qti_zip
from autograder.quizzes.gift import gift_text, parse_gift
from autograder.quizzes.lms import export_groups
from autograder.quizzes.model import Kind

REPO = Path(__file__).resolve().parents[1]
FIXTURE_ROOT = REPO / "tests" / "quiz_fixtures" / "root"
SCHEMAS = REPO.parent / "shared" / "reference" / "quiz-schemas"
STUDENTS = [f"s{i:03d}" for i in range(40)]


def _groups(name: str, root: Path):
    quiz = load_quiz(name, root)
    return quiz, export_groups(quiz, [student_quiz(quiz, s) for s in STUDENTS])


@pytest.fixture(scope="module", params=[("mini", FIXTURE_ROOT), ("mini-pool", FIXTURE_ROOT),
                                        ("midterm-practice", REPO / "quizzes")],
                ids=["mini", "mini-pool", "midterm-practice"])
def exported(request):
    return _groups(*request.param)


@pytest.fixture(scope="module")
def schemas():
    """(QTI schema, content-packaging schema), compiled from shared/ with lxml."""
    etree = pytest.importorskip("lxml.etree", reason="lxml is needed for XSD validation")
    if not SCHEMAS.is_dir():
        pytest.skip(f"IMS schemas not found at {SCHEMAS} (expected <repo>/../shared)")

    class LocalXmlXsd(etree.Resolver):
        """imscp_v1p1.xsd imports xml.xsd from w3.org; use the copy in shared/."""

        def resolve(self, url, public_id, context):
            if url.endswith("xml.xsd"):
                return self.resolve_filename(str(SCHEMAS / "xml.xsd"), context)
            return None

    parser = etree.XMLParser()
    parser.resolvers.add(LocalXmlXsd())

    def load(relative: str):
        return etree.XMLSchema(etree.parse(str(SCHEMAS / relative), parser))

    return etree, load("qti12/ims_qtiasiv1p2.xsd"), load("imscp11/imscp_v1p1.xsd")


def test_qti_zip_validates_against_the_qti_and_content_packaging_schemas(exported, schemas):
    etree, qti_schema, cp_schema = schemas
    quiz, groups = exported
    archive = zipfile.ZipFile(io.BytesIO(qti_zip(quiz.name, quiz.definition.title, groups)))
    names = archive.namelist()
    assert names[0] == "imsmanifest.xml"
    manifest = etree.fromstring(archive.read("imsmanifest.xml"))
    assert cp_schema.validate(manifest), cp_schema.error_log
    ns = {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1"}
    href = manifest.find("cp:resources/cp:resource", ns).get("href")
    assert href in names
    assessment = etree.fromstring(archive.read(href))
    assert qti_schema.validate(assessment), qti_schema.error_log
    items = assessment.findall(".//{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}item")
    assert len(items) == sum(len(g.items) for g in groups)


def test_qti_zip_is_byte_for_byte_reproducible():
    quiz, groups = _groups("mini", FIXTURE_ROOT)
    assert qti_zip("mini", "T", groups) == qti_zip("mini", "T", groups)


def test_moodle_xml_is_well_formed_with_valid_fractions(exported):
    quiz, groups = exported
    root = ET.fromstring(moodle_xml(quiz.name, groups))
    questions = root.findall("question")
    categories = [q for q in questions if q.get("type") == "category"]
    assert len(categories) == len(groups)
    assert len(questions) - len(categories) == sum(len(g.items) for g in groups)
    allowed = {format(sign * f, "g") for f in MOODLE_FRACTIONS for sign in (1, -1)}
    for answer in root.iter("answer"):
        assert answer.get("fraction") in allowed | {"0"}
    for question in questions:
        if question.get("type") == "multichoice":
            fractions = [float(a.get("fraction")) for a in question.findall("answer")]
            assert max(fractions) > 0


def test_gift_round_trips_through_the_parser(exported):
    quiz, groups = exported
    parsed = list(parse_gift(gift_text(quiz.name, groups)))
    expected = [(g, n, p) for g in groups for n, p in enumerate(g.items, start=1)]
    assert len(parsed) == len(expected)
    for question, (group, number, presented) in zip(parsed, expected):
        variant = presented.variant
        assert question.title == f"{variant.question.id} v{number}"
        assert question.category.endswith(f"-{group.title}")
        assert question.text_format == "markdown"
        assert question.text == variant.stem
        assert question.general_feedback == variant.explanation
        kind = variant.question.kind
        if kind is Kind.NUMERIC:
            assert question.numeric == (variant.numeric.value, variant.numeric.tolerance)
        elif kind is Kind.TRUE_FALSE:
            assert question.truth == (presented.key_text == "true")
        else:
            assert [a.text for a in question.answers] == [o.text for o in presented.shown]
            assert [a.fraction > 0 for a in question.answers] == [o.correct
                                                                  for o in presented.shown]


def test_groups_hold_distinct_variants_capped_per_question():
    quiz, groups = _groups("mini-pool", FIXTURE_ROOT)
    he_group = groups[0]
    assert he_group.pick == 1 and len(he_group.items) == 3  # lms_variants: 3
    assert len({i.variant.fingerprint for i in he_group.items}) == 3
    pool_group = groups[1]
    assert pool_group.pick == 2 and len(pool_group.items) == 4

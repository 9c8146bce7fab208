"""IMS QTI 1.2 export (Canvas/Blackboard flavour): assessment XML + imsmanifest.xml in a zip.

Validated in tests against the IMS QTI ASI 1.2 XSD and the IMS Content Packaging 1.1 XSD.
Options are written in a fixed order with shuffle="No" so that pinned options ("All of the
above") stay last. Multiple-answer items score all-or-nothing in the XML (Canvas applies its
own partial credit to multiple_answers_question).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence

from .documents import paragraphs_html
from .lms import ExportGroup
from .model import LETTERS, Kind, PresentedQuestion

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_LOCATION = f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CP_LOCATION = f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)
"""Fixed timestamp so the same quiz always produces the same zip bytes."""

_CANVAS_TYPES = {
    Kind.SINGLE: "multiple_choice_question", Kind.MULTIPLE: "multiple_answers_question",
    Kind.TRUE_FALSE: "true_false_question", Kind.NUMERIC: "numerical_question",
}


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _material(parent: ET.Element, text: str, texttype: str = "text/html") -> None:
    material = _sub(parent, "material")
    _sub(material, "mattext", text, texttype=texttype)


def _metadata(item: ET.Element, fields: Sequence[tuple[str, str]]) -> None:
    meta = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    for label, entry in fields:
        field = _sub(meta, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def safe_ident(text: str) -> str:
    """An identifier usable as xs:ID / NCName."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    return cleaned if cleaned[:1].isalpha() or cleaned[:1] == "_" else f"i_{cleaned}"


def _item(parent: ET.Element, ident: str, presented: PresentedQuestion) -> None:
    variant = presented.variant
    question = variant.question
    item = _sub(parent, "item", ident=ident, title=question.id)
    answer_ids = [f"{ident}_{LETTERS[i]}" for i in range(len(presented.shown))]
    _metadata(item, [("question_type", _CANVAS_TYPES[question.kind]),
                     ("points_possible", f"{question.points:g}"),
                     ("original_answer_ids", ",".join(answer_ids)),
                     ("assessment_question_identifierref", f"{ident}_ref")])
    presentation = _sub(item, "presentation")
    _material(presentation, paragraphs_html(variant.stem))
    if question.kind is Kind.NUMERIC:
        response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
        _sub(_sub(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
    else:
        cardinality = "Multiple" if question.kind is Kind.MULTIPLE else "Single"
        response = _sub(presentation, "response_lid", ident="response1",
                        rcardinality=cardinality)
        choice = _sub(response, "render_choice", shuffle="No")
        for answer_id, option in zip(answer_ids, presented.shown):
            label = _sub(choice, "response_label", ident=answer_id)
            _material(label, option.text, "text/plain")
    processing = _sub(item, "resprocessing")
    _sub(_sub(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0",
         varname="SCORE", vartype="Decimal")
    general = _sub(processing, "respcondition", **{"continue": "Yes"})
    _sub(_sub(general, "conditionvar"), "other")
    _sub(general, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
    condition = _sub(processing, "respcondition", **{"continue": "No"})
    variable = _sub(condition, "conditionvar")
    if question.kind is Kind.NUMERIC:
        key = variant.numeric
        assert key is not None
        either = _sub(variable, "or")
        _sub(either, "varequal", repr(key.value), respident="response1")
        bounds = _sub(either, "and")
        _sub(bounds, "vargte", repr(key.value - key.tolerance), respident="response1")
        _sub(bounds, "varlte", repr(key.value + key.tolerance), respident="response1")
    elif question.kind is Kind.MULTIPLE:
        both = _sub(variable, "and")
        for answer_id, option in zip(answer_ids, presented.shown):
            target = both if option.correct else _sub(both, "not")
            _sub(target, "varequal", answer_id, respident="response1")
    else:
        correct = next(a for a, o in zip(answer_ids, presented.shown) if o.correct)
        _sub(variable, "varequal", correct, respident="response1")
    _sub(condition, "setvar", "100", action="Set", varname="SCORE")
    feedback = _sub(item, "itemfeedback", ident="general_fb")
    _material(_sub(feedback, "flow_mat"), paragraphs_html(variant.explanation))


def assessment_xml(ident: str, title: str, groups: Sequence[ExportGroup]) -> bytes:
    """The QTI questestinterop document for the whole quiz."""
    root = ET.Element("questestinterop", {"xmlns": QTI_NS, "xmlns:xsi": XSI_NS,
                                          "xsi:schemaLocation": QTI_LOCATION})
    assessment = _sub(root, "assessment", ident=ident, title=title)
    meta = _sub(assessment, "qtimetadata")
    field = _sub(meta, "qtimetadatafield")
    _sub(field, "fieldlabel", "cc_maxattempts")
    _sub(field, "fieldentry", "1")
    root_section = _sub(assessment, "section", ident="root_section")
    for group in groups:
        item_ids = [f"{ident}_{group.ident}_v{n + 1}" for n in range(len(group.items))]
        if group.pick == 1 and len(group.items) == 1:
            _item(root_section, item_ids[0], group.items[0])
            continue
        section = _sub(root_section, "section", ident=f"{ident}_{group.ident}",
                       title=group.title)
        selection = _sub(_sub(section, "selection_ordering"), "selection")
        _sub(selection, "selection_number", str(group.pick))
        _sub(_sub(selection, "selection_extension"), "points_per_item", f"{group.points:g}")
        for item_id, presented in zip(item_ids, group.items):
            _item(section, item_id, presented)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def manifest_xml(ident: str, href: str) -> bytes:
    """imsmanifest.xml declaring the assessment file as an imsqti_xmlv1p2 resource."""
    root = ET.Element("manifest", {"identifier": f"M_{ident}", "xmlns": CP_NS,
                                   "xmlns:xsi": XSI_NS, "xsi:schemaLocation": CP_LOCATION})
    metadata = _sub(root, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    _sub(root, "organizations")
    resources = _sub(root, "resources")
    resource = _sub(resources, "resource", identifier=f"R_{ident}", type="imsqti_xmlv1p2",
                    href=href)
    _sub(resource, "file", href=href)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def qti_zip(quiz_name: str, title: str, groups: Sequence[ExportGroup]) -> bytes:
    """The importable package: imsmanifest.xml and <ident>/<ident>.xml, reproducible bytes."""
    ident = safe_ident(quiz_name)
    href = f"{ident}/{ident}.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("imsmanifest.xml", manifest_xml(ident, href)),
                           (href, assessment_xml(ident, title, groups))):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()

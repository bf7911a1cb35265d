"""The BPMN export keeps its conventional prefixes even after a PDF library registered ``dc``
for Dublin Core in ElementTree's global registry (as WeasyPrint's XMP metadata does)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sinergi.catalog.bpmn import DC_NS, to_bpmn
from tests.catalog.test_bpmn import variants


def test_another_libraries_dc_prefix_does_not_change_the_export() -> None:
    definition = variants()[0]
    before = to_bpmn(definition)
    ET.register_namespace("dc", "http://purl.org/dc/elements/1.1/")
    try:
        after = to_bpmn(definition)
    finally:
        ET.register_namespace("dc", DC_NS)
    assert after == before
    assert f'xmlns:dc="{DC_NS}"' in after

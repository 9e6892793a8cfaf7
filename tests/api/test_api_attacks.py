"""Attacks through the API: injection, traversal, script in documents, oversize uploads,
guessed ids, and leaks through errors and headers."""

from __future__ import annotations

import json

import pytest

from refwatch.resolve import process as core

from api_store import NAMED, ApiWorld

INJECTIONS = ["' OR 1=1 --", "\" OR \"\"=\"", "1; DROP TABLE documents; --", "') UNION SELECT name, password_hash FROM users --",
              "%' AND 1=1 AND '%'='", "*", "NEAR(a b)", "\"unterminated", "\\x00", "Tumen' --", "$(rm -rf /)",
              "<script>alert(1)</script>", "../../etc/passwd", "ㄱ' OR '1'='1", "a" * 600]
QUERY_PARAMS = {"/api/search": ["q", "limit"], "/api/events": ["type", "from", "to", "place"],
                "/api/documents": ["limit", "offset"], "/api/stats": ["by"], "/api/public/events": ["type"]}
PATHS = ["/api/documents/{}", "/api/events/{}", "/api/people/{}"]
SECURITY_HEADERS = {"content-security-policy": "default-src 'none'", "x-content-type-options": "nosniff",
                    "referrer-policy": "no-referrer", "cache-control": "no-store"}


def _document_count(w: ApiWorld) -> int:
    return len(w.client().get("/api/documents", params={"limit": 500}, headers=w.bearer("admin")).json())


def _blob_files(w: ApiWorld) -> set[str]:
    return {str(p) for p in w.settings.blob_dir.rglob("*") if p.is_file()}


def test_injection_in_every_query_parameter_never_errors(api_world: ApiWorld):
    c = api_world.client()
    outcomes = {}
    for path, params in QUERY_PARAMS.items():
        for param in params:
            for attack in INJECTIONS:
                r = c.get(path, params={param: attack}, headers=api_world.bearer("admin"))
                outcomes[(path, param, attack[:20])] = r.status_code
                assert r.status_code in (200, 422), (path, param, attack, r.status_code)
                if r.status_code == 200:
                    assert isinstance(r.json(), list)
                else:
                    assert attack not in r.text and set(r.json()) <= {"error", "hint"}
    assert 500 not in outcomes.values()
    # the search words are data: a quote or an operator matches nothing rather than everything
    assert c.get("/api/search", params={"q": "' OR 1=1 --"}, headers=api_world.bearer("admin")).json() == []
    with api_world.store.read() as conn:  # and the tables are still there
        assert conn.exec_driver_sql("select count(*) from documents").scalar() > 0


def test_injection_in_body_fields_and_path_ids_never_errors(api_world: ApiWorld):
    c = api_world.client()
    for attack in INJECTIONS:
        for template in PATHS:
            r = c.get(template.format(attack), headers=api_world.bearer("analyst"))
            assert r.status_code in (404, 422), (template, attack, r.status_code)
            assert attack not in r.text
        r = c.post("/api/search", json={"q": attack[:500]}, headers=api_world.bearer("analyst"))
        assert r.status_code == 200 and isinstance(r.json(), list)
        r = c.post("/api/events/merge", json={"first": attack, "second": "x", "why": attack},
                   headers=api_world.bearer("analyst"))
        assert r.status_code in (404, 422) and attack not in r.text


@pytest.mark.parametrize("raw", ["/api/documents/..%2F..%2Fetc%2Fpasswd", "/api/documents/%2e%2e%2f%2e%2e%2fkeyring.json",
                                 "/api/documents/../../keyring.json", "/api/documents/..", "/api/documents/%00",
                                 "/api/documents/" + "a" * 65, "/api/documents/zzzzzzzzzz",
                                 "/api/documents/00000000"])
def test_path_traversal_on_documents_is_refused(api_world: ApiWorld, raw: str):
    c = api_world.client()
    r = c.get(raw, headers=api_world.bearer("admin"))
    assert r.status_code in (404, 422)
    assert "passphrase" not in r.text and "wrapped_key" not in r.text


def test_uploaded_html_with_script_comes_back_as_escaped_json_text(api_world: ApiWorld):
    c = api_world.client()
    page = ("<html><head><title>Raid report</title><script>alert('head')</script></head><body><article>"
            "<p>Police detained 12 people at the Tumen crossing on 3 November 2023, witnesses said.</p>"
            "<p>A note left behind read &lt;script&gt;alert(document.cookie)&lt;/script&gt; in the hallway.</p>"
            "<img src=x onerror=alert(1)><script>fetch('/api/people')</script></article></body></html>")
    up = c.post("/api/documents", files={"file": ("raid.html", page, "text/html")}, headers=api_world.bearer("analyst"))
    assert up.status_code == 201, up.text
    doc_id = up.json()["document"]["id"]
    r = c.get(f"/api/documents/{doc_id}", headers=api_world.bearer("analyst"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    raw = r.content
    assert b"<" not in raw and b">" not in raw  # every angle bracket is \u003c / \u003e in the JSON
    text = r.json()["text"]
    assert "Tumen crossing" in text
    assert "<script>" in text or "script" not in text  # the words survive only as text, never as markup
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    assert r.headers["x-content-type-options"] == "nosniff"


def test_oversize_upload_is_413_and_nothing_is_stored(api_world: ApiWorld):
    c = api_world.client()
    before_docs, before_blobs = _document_count(api_world), _blob_files(api_world)
    limit = api_world.settings.max_file_bytes
    big = b"detention 2023-11-05 9 Yanji\n" * (limit // 20)
    r = c.post("/api/documents", files={"file": ("big.txt", big)}, headers=api_world.bearer("analyst"))
    assert r.status_code == 413 and r.json()["error"] == "file too large"
    # just over the limit, within the multipart slack: caught while the file part is written
    r = c.post("/api/documents", files={"file": ("edge.txt", b"x" * (limit + 1))}, headers=api_world.bearer("analyst"))
    assert r.status_code == 413
    # streamed without a Content-Length (chunked): counted as it arrives
    boundary = "rwboundary"

    def chunks():  # noqa: ANN202
        yield f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.txt\"\r\n\r\n".encode()
        for _ in range(200):
            yield b"y" * 4096
        yield f"\r\n--{boundary}--\r\n".encode()

    r = c.post("/api/documents", content=chunks(), headers={**api_world.bearer("analyst"),
                                                            "content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413
    assert _document_count(api_world) == before_docs and _blob_files(api_world) == before_blobs
    ok = c.post("/api/documents", files={"file": ("small.txt", b"detention 2023-11-06 4 Yanji\n")},
                headers=api_world.bearer("analyst"))
    assert ok.status_code == 201 and _document_count(api_world) == before_docs + 1
    again = c.post("/api/documents", files={"file": ("small.txt", b"detention 2023-11-06 4 Yanji\n")},
                   headers=api_world.bearer("analyst"))
    assert again.status_code == 200 and again.json()["duplicates"] == 1


def test_upload_file_names_cannot_escape_the_upload_folder(api_world: ApiWorld, tmp_path):
    from refwatch.api.upload import safe_filename

    for name in ("../../etc/passwd", "..\\..\\keyring.json", "/abs/path.txt", "", "...", "a/b/../c.html"):
        safe = safe_filename(name)
        assert "/" not in safe and "\\" not in safe and not safe.startswith(".") and safe
    assert safe_filename("report 2023.html").endswith(".html")


def test_researcher_sees_pseudonyms_only_and_guessed_ids_404(api_world: ApiWorld):
    c = api_world.client()
    admin_people = c.get("/api/people", headers=api_world.bearer("admin")).json()
    assert NAMED in json.dumps(admin_people)
    people = c.get("/api/people", headers=api_world.bearer("researcher"))
    assert people.status_code == 200 and NAMED not in people.text
    assert all(p["pseudonym"].startswith("P-") and "name" not in p and "id" not in p for p in people.json())
    for guess in (admin_people[0]["id"], admin_people[0]["id"][:6], "P-000000000000", "1"):
        r = c.get(f"/api/people/{guess}", headers=api_world.bearer("researcher"))
        assert r.status_code == 404 and NAMED not in r.text and guess not in r.text
    own = c.get(f"/api/people/{people.json()[0]['pseudonym']}", headers=api_world.bearer("researcher"))
    assert own.status_code == 200 and NAMED not in own.text
    named_event = next(e for e in c.get("/api/events", headers=api_world.bearer("admin")).json() if e["victims"])
    for role in ("researcher",):
        detail = c.get(f"/api/events/{named_event['id']}", headers=api_world.bearer(role))
        assert detail.status_code == 200 and NAMED not in detail.text and "Sun Hwa" not in detail.text
        assert NAMED not in c.get("/api/events", headers=api_world.bearer(role)).text
    for role in ("researcher", "public"):
        assert NAMED not in c.get("/api/public/events", headers=api_world.bearer(role)).text
    # a guessed id of the wrong shape or for nothing is a 404, for analysts too
    assert c.get("/api/people/p-0000000000000000:9", headers=api_world.bearer("analyst")).status_code == 404
    assert c.get("/api/events/ev-0000000000000000", headers=api_world.bearer("analyst")).status_code == 404


def test_testimony_needs_contacts_read(api_world: ApiWorld):
    c = api_world.client()
    docs = c.get("/api/documents", params={"limit": 500}, headers=api_world.bearer("admin")).json()
    testimony = next(d["id"] for d in docs if "testimony" in (d["filename"] or ""))
    refused = c.get(f"/api/documents/{testimony}", headers=api_world.bearer("researcher"))
    assert refused.status_code == 403 and "contacts.read" in refused.text and "010-4444" not in refused.text
    assert "010-4444" in c.get(f"/api/documents/{testimony}", headers=api_world.bearer("analyst")).text
    hits = c.get("/api/search", params={"q": "aunt"}, headers=api_world.bearer("researcher")).json()
    assert hits == []
    assert c.get("/api/search", params={"q": "aunt"}, headers=api_world.bearer("analyst")).json()


def test_errors_never_echo_values_or_show_traces(api_world: ApiWorld, monkeypatch: pytest.MonkeyPatch):
    c = api_world.client()
    r = c.get("/api/stats", params={"by": NAMED}, headers=api_world.bearer("public"))
    assert r.status_code == 422 and NAMED not in r.text and r.json()["hint"] == "check by"
    r = c.post("/api/claims/abc/judge", json={"verdict": "edit", "why": "x", NAMED: "1"},
               headers=api_world.bearer("analyst"))
    assert r.status_code == 422 and NAMED not in r.text
    r = c.post("/api/claims/abc/judge", json={"verdict": "edit", "why": "x", "changes": {"count": NAMED}},
               headers=api_world.bearer("analyst"))
    assert r.status_code in (404, 422) and NAMED not in r.text

    def boom(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError(f"database exploded near {NAMED}")

    monkeypatch.setattr(core, "statistics", boom)
    r = c.get("/api/stats", headers=api_world.bearer("admin"))
    assert r.status_code == 500 and r.json()["error"] == "internal error"
    assert NAMED not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    for name, value in SECURITY_HEADERS.items():
        assert value in r.headers[name]


@pytest.mark.parametrize("method,url,role", [("GET", "/api/health", None), ("GET", "/api/nowhere", None),
                                             ("GET", "/api/events", None), ("GET", "/api/events", "public"),
                                             ("GET", "/api/events", "analyst"), ("DELETE", "/api/events", "admin"),
                                             ("GET", "/api/openapi.json", None)])
def test_security_headers_on_every_response(api_world: ApiWorld, method: str, url: str, role: str | None):
    r = api_world.client().request(method, url, headers=api_world.bearer(role))
    for name, value in SECURITY_HEADERS.items():
        assert value in r.headers.get(name, ""), (name, r.status_code)
    assert r.headers["content-type"].startswith("application/json")
    if r.status_code >= 400:
        assert set(r.json()) <= {"error", "hint"}


def test_no_route_takes_a_person_or_name_in_its_url(api_world: ApiWorld):
    schema = api_world.client().get("/api/openapi.json").json()
    for path, ops in schema["paths"].items():
        for op in ops.values():
            names = {p["name"] for p in op.get("parameters", []) if p["in"] in ("query", "path")}
            assert not names & {"name", "names", "person_name", "victim", "contact"}, path
    assert "/api/docs" not in {p for p in schema["paths"]}
    assert api_world.client().get("/docs").status_code == 404  # no UI loading scripts from a CDN

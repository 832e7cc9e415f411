"""HTTP API writes (uploads, jobs), authentication, upload limits and the HTML pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsloom.api import ApiSettings, SettingsError, create_app
from test_api_support import FIXTURES, MTS_SEED, SEEDS

TOKEN = "write-token-5678"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
JSONL = {"Content-Type": "application/x-ndjson"}


def _client(db: Path, **settings: object) -> TestClient:
    return TestClient(create_app(ApiSettings(db=db, **settings)))  # type: ignore[arg-type]


@pytest.fixture
def client(db: Path) -> Iterator[TestClient]:
    with _client(db, api_token=TOKEN, max_upload_bytes=200_000) as test_client:
        yield test_client


def _wait(client: TestClient, job_id: str) -> dict[str, object]:
    client.app.state.jobs.wait(timeout=300)  # type: ignore[attr-defined]
    job: dict[str, object] = client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] in ("done", "failed") and job["finished_at"]
    return job


def test_settings_refuse_unworkable_configurations(db: Path) -> None:
    with pytest.raises(SettingsError, match="token"):
        ApiSettings(db=db, protect_reads=True)
    with pytest.raises(SettingsError, match="empty"):
        ApiSettings(db=db, api_token="  ")
    with pytest.raises(SettingsError):
        ApiSettings(db=db, api_token="x", max_upload_bytes=0)


def test_token_comes_from_the_named_environment_variable(db: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setenv("MY_TOKEN", "from-env")
    monkeypatch.delenv("NEWSLOOM_API_TOKEN", raising=False)
    assert ApiSettings.from_env(db, "MY_TOKEN").api_token == "from-env"
    assert ApiSettings.from_env(db).api_token is None  # never defaulted


def test_writes_refused_when_no_token_is_configured(db: Path) -> None:
    with _client(db) as client:
        response = client.post("/api/ingest/jsonl", content=b'{"text": "x"}\n',
                               headers={**AUTH, **JSONL})
        assert response.status_code == 403
        assert "no API token configured" in response.json()["detail"]
        assert client.get("/api/health").json()["writes_enabled"] is False
        assert client.get("/api/jobs").json() == []


def test_missing_and_wrong_tokens(client: TestClient) -> None:
    files = {"files": ("a.txt", b"Some text about a port strike.", "text/plain")}
    missing = client.post("/api/ingest", files=files)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/api/ingest", files=files, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["detail"] == "the API token is wrong"
    other_header = client.post("/api/ingest", files=files, headers={"X-API-Token": "nope"})
    assert other_header.status_code == 403
    # A cookie is not enough for a write (it would ride along on a cross-site post).
    client.cookies.set("newsloom_token", TOKEN)
    assert client.post("/api/ingest", files=files).status_code == 401
    assert client.get("/api/jobs").json() == []


def test_protected_reads(db: Path) -> None:
    with _client(db, api_token=TOKEN, protect_reads=True) as client:
        assert client.get("/api/stories").status_code == 401
        assert client.get("/api/stories", headers={"X-API-Token": "bad"}).status_code == 403
        assert client.get("/api/stories", headers=AUTH).json()["total"] >= 1
        assert client.get("/").status_code == 401  # pages too (HTML error page)
        assert client.get("/upload").status_code == 200  # the form that asks for the token
        client.cookies.set("newsloom_token", TOKEN)
        assert "Latest stories" in client.get("/").text
    with _client(db, api_token=TOKEN) as open_reads:
        assert open_reads.get("/api/stories").status_code == 200


def test_upload_files_runs_the_pipeline_in_the_background(client: TestClient) -> None:
    before = client.get("/api/articles").json()["total"]
    page = (FIXTURES / "page.html").read_bytes()
    text = "\n\n".join([
        "Hafenarbeiter in Hamburg legen erneut die Arbeit nieder",
        "Die Gewerkschaft Verdi hat die Beschäftigten der Hamburger Hafenbetriebe am Montag "
        "erneut zum Streik aufgerufen. Der Ausstand soll 24 Stunden dauern und betrifft alle "
        "großen Containerterminals, teilte die Gewerkschaft in Hamburg mit.",
        "Hintergrund sind die festgefahrenen Tarifverhandlungen mit dem Zentralverband der "
        "deutschen Seehafenbetriebe. Die Arbeitgeber hatten zuletzt ein Angebot vorgelegt, "
        "das nach Ansicht der Gewerkschaft die hohe Inflation nicht ausgleicht.",
        "Reedereien rechnen mit Verspätungen bei der Abfertigung von Schiffen. Bereits beim "
        "letzten Warnstreik hatten sich vor der Elbmündung zahlreiche Frachter gestaut."])
    response = client.post("/api/ingest", headers=AUTH, files=[
        ("files", ("../../etc/evil name.txt", text.encode(), "text/plain")),
        ("files", ("page.html", page, "text/html"))])
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] in ("queued", "running", "done")
    assert job["files"] == ["evil_name.txt", "page.html"]  # no path parts survive
    done = _wait(client, job["id"])
    stats = done["stats"]
    assert done["status"] == "done" and isinstance(stats, dict)
    assert stats["files"] == 2 and stats["added"] == 1 and stats["unchanged"] == 1
    assert stats["clustered"] == 1
    assert client.get("/api/articles").json()["total"] == before + 1
    assert [j["id"] for j in client.get("/api/jobs").json()] == [job["id"]]


def test_upload_jsonl_folds_a_near_copy_into_its_story(client: TestClient) -> None:
    original = client.get(f"/api/articles/{MTS_SEED}").json()
    text = (SEEDS / f"{MTS_SEED}.txt").read_text(encoding="utf-8")
    record = {"id": "copy-of-mts", "title": "<script>alert('x')</script> Huawei in Rusland",
              "text": text + "\nDit bericht verscheen eerder elders.", "lang": "nl",
              "url": "javascript:alert(1)"}
    response = client.post("/api/ingest/jsonl", headers={**AUTH, **JSONL},
                           content=json.dumps(record).encode() + b"\n")
    assert response.status_code == 202
    assert _wait(client, response.json()["id"])["status"] == "done"
    copy = client.get("/api/articles/copy-of-mts").json()
    assert copy["duplicate_of"] == original["id"] and copy["story_id"] == original["story_id"]
    story = client.get(f"/api/stories/{original['story_id']}").json()
    folded = {a["article"]["id"]: [d["id"] for d in a["duplicates"]] for a in story["articles"]}
    assert folded[original["id"]] == [copy["id"]] and copy["id"] not in folded
    assert story["story"]["duplicates"] == 1
    # Pages escape what documents say and never link a javascript: URL.
    page = client.get("/articles/copy-of-mts").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    assert 'href="javascript:' not in page
    story_page = client.get(f"/stories/{original['story_id']}").text
    assert "1 duplicate" in story_page and "<script>alert" not in story_page


def test_oversized_uploads_are_413(client: TestClient) -> None:
    big = b"x" * 300_000
    response = client.post("/api/ingest", headers=AUTH,
                           files={"files": ("big.txt", big, "text/plain")})
    assert response.status_code == 413 and response.json()["status"] == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        for _ in range(30):
            yield b'{"text": "' + b"y" * 10_000 + b'"}\n'

    streamed = client.post("/api/ingest/jsonl", headers={**AUTH, **JSONL}, content=chunks())
    assert streamed.status_code == 413
    assert client.get("/api/jobs").json() == []


def test_wrong_types_are_415(client: TestClient, db: Path) -> None:
    response = client.post("/api/ingest", headers=AUTH,
                           files={"files": ("report.pdf", b"%PDF-1.4", "application/pdf")})
    assert response.status_code == 415 and "report.pdf" in response.json()["detail"]
    xml = client.post("/api/ingest", headers=AUTH,
                      files={"files": ("data.xml", b"<root>not a feed</root>", "text/xml")})
    assert xml.status_code == 415
    as_json = client.post("/api/ingest/jsonl", headers={**AUTH, "Content-Type":
                                                        "application/json"}, content=b"{}")
    assert as_json.status_code == 415
    assert client.get("/api/jobs").json() == []
    uploads = db.with_name(db.name + ".uploads")
    assert not uploads.exists() or not any(uploads.iterdir())  # refused files are not kept


@pytest.mark.parametrize("body", [b"", b"\n\n", b"not json\n", b"[1, 2]\n", b"\xff\xfe\x00"])
def test_bad_jsonl_bodies_are_422(client: TestClient, body: bytes) -> None:
    response = client.post("/api/ingest/jsonl", headers={**AUTH, **JSONL}, content=body)
    assert response.status_code == 422 and response.json()["detail"]


def test_multipart_without_files_is_422(client: TestClient) -> None:
    response = client.post("/api/ingest", headers=AUTH, data={"note": "nothing"})
    assert response.status_code == 422


def test_pages_render_the_store(client: TestClient) -> None:
    article = client.get(f"/api/articles/{MTS_SEED}").json()
    story = client.get(f"/api/stories/{article['story_id']}").json()["story"]
    home = client.get("/")
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    assert f'href="/stories/{story["id"]}"' in home.text
    page = client.get(f"/stories/{story['id']}").text
    for section in ('id="summary"', 'id="timeline"', 'id="articles"'):
        assert section in page
    assert "echarts.min.js" in page and article["title"] in page
    entity = client.get("/entities/Huawei").text
    assert "Names by language" in entity and "Huaweis" in entity
    search = client.get("/search", params={"q": "Huawei Russland 5G"}).text
    assert "<mark>" in search and article["title"] in search
    assert client.get("/search").status_code == 200  # the empty form
    assert client.get("/search", params={"q": "x", "from": "soon"}).status_code == 422
    missing = client.get("/stories/s-unknown")
    assert missing.status_code == 404 and "no story" in missing.text
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200
    assert client.get("/static/vendor/echarts/LICENSE").status_code == 200


def test_serve_refuses_protected_reads_without_a_token(db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NEWSLOOM_API_TOKEN"}
    result = subprocess.run(  # an existing store: serve refuses a missing one first
        [sys.executable, "-m", "newsloom", "serve", "--db", str(db),
         "--protect-reads", "--port", "0"],
        env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert "protected reads need an API token" in result.stderr

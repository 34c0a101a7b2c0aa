"""The app builds, serves its home page and sets security headers everywhere."""


def test_home_page_serves_html(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Covenant Hub" in response.data


def test_security_headers_on_pages_errors_and_static(client):
    for path in ("/", "/does-not-exist", "/static/css/site.css", "/api/v1/nothing"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "frame-ancestors" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]

"""Login, logout, sessions, CSRF and the login rate limit, through FastAPI's TestClient."""

from __future__ import annotations

from datetime import timedelta

from caseflow.cases.accounts import SESSION_TTL
from caseflow.web.security import LOGIN_COOKIE, SESSION_COOKIE
from tests.webkit import CSRF, PASSWORD, Web, alert_of, csrf_of


def _login(web: Web, email: str, password: str, next_url: str = "/board"):  # type: ignore[no-untyped-def]
    client = web.client()
    page = client.get("/login")
    token = CSRF.search(page.text)
    assert token is not None
    return client, client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token.group(1), "next": next_url},
    )


def test_pages_redirect_to_login_without_a_session(web: Web) -> None:
    response = web.client().get("/cases?stage=idea")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/cases%3Fstage%3Didea"


def test_htmx_requests_get_hx_redirect(web: Web) -> None:
    response = web.client().get("/cases", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_login_sets_a_httponly_samesite_cookie_and_follows_next(web: Web) -> None:
    client, response = _login(web, "Anna@Example.se", PASSWORD, "/cases")
    assert response.status_code == 303
    assert response.headers["location"] == "/cases"
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here
    assert client.get("/cases").status_code == 200


def test_login_cookie_is_secure_behind_tls(web: Web) -> None:
    client = web.client()
    client.base_url = client.base_url.copy_with(scheme="https")
    page = client.get("/login")
    token = CSRF.search(page.text)
    assert token is not None
    response = client.post("/login", data={"email": "anna@example.se", "password": PASSWORD,
                                           "csrf_token": token.group(1)})  # fmt: skip
    assert response.status_code == 303
    assert "Secure" in response.headers["set-cookie"]


def test_login_never_redirects_off_site(web: Web) -> None:
    _, response = _login(web, "anna@example.se", PASSWORD, "//evil.example/x")
    assert response.headers["location"] == "/"


def test_wrong_password_and_unknown_user_give_the_same_answer(web: Web) -> None:
    _, wrong = _login(web, "anna@example.se", "fel-lösenord-000")
    _, unknown = _login(web, "nobody@example.se", PASSWORD)
    assert wrong.status_code == unknown.status_code == 400
    assert alert_of(wrong.text) == alert_of(unknown.text) == "Fel e-postadress eller lösenord."
    assert SESSION_COOKIE not in wrong.headers.get("set-cookie", "")


def test_login_without_its_csrf_cookie_is_refused(web: Web) -> None:
    client = web.client()
    page = client.get("/login")
    token = CSRF.search(page.text)
    assert token is not None
    client.cookies.delete(LOGIN_COOKIE)
    response = client.post("/login", data={"email": "anna@example.se", "password": PASSWORD,
                                           "csrf_token": token.group(1)})  # fmt: skip
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


def test_login_is_rate_limited_per_account(web: Web) -> None:
    for _ in range(3):  # the third failure starts the account's delay (tests/test_login_throttle)
        _, response = _login(web, "anna@example.se", "fel-lösenord-000")
        assert response.status_code == 400
    _, response = _login(web, "anna@example.se", PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in alert_of(response.text)
    assert int(response.headers["Retry-After"]) > 0
    _, other = _login(web, "bo@example.se", PASSWORD)  # another account is not locked out
    assert other.status_code == 303
    web.clock.advance(timedelta(minutes=16))
    _, later = _login(web, "anna@example.se", PASSWORD)
    assert later.status_code == 303


def test_logout_needs_csrf_and_revokes_the_session(web: Web) -> None:
    client = web.client("anna@example.se")
    session_token = client.cookies.get(SESSION_COOKIE)
    assert session_token
    assert client.post("/logout", data={"csrf_token": "wrong"}).status_code == 403
    response = client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 303
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    copy = web.client()  # a copy of the cookie kept from before the logout no longer works
    copy.cookies.set(SESSION_COOKIE, session_token)
    assert copy.get("/board").status_code == 303


def test_sessions_expire(web: Web) -> None:
    client = web.client("anna@example.se")
    assert client.get("/board").status_code == 200
    web.clock.advance(SESSION_TTL + timedelta(seconds=1))
    assert client.get("/board").status_code == 303


def test_pages_send_security_headers(web: Web) -> None:
    response = web.client().get("/login")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "same-origin"

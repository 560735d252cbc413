from django.urls import reverse


def test_pages_carry_a_strict_csp_and_no_framing(client) -> None:
    response = client.get(reverse("staffing:login"))

    csp = response["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_with_personal_data_are_not_cached(client, radgiver, family) -> None:
    client.force_login(radgiver)

    response = client.get(reverse("cases:family_detail", args=[family.pk]))

    assert "no-store" in response["Cache-Control"]


def test_no_inline_scripts_or_styles_in_pages(client, radgiver, family) -> None:
    client.force_login(radgiver)
    for url in (
        reverse("home"),
        reverse("cases:family_list"),
        reverse("cases:family_create"),
        reverse("cases:family_detail", args=[family.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<script type" not in html
        assert " style=" not in html, url
        assert " onclick=" not in html


def test_client_request_id_is_ignored_unless_a_proxy_is_trusted(client) -> None:
    response = client.get(reverse("staffing:login"), HTTP_X_REQUEST_ID="chosen-by-client-0001")
    assert response["X-Request-ID"] != "chosen-by-client-0001"


def test_malformed_request_id_is_replaced(client, settings) -> None:
    settings.TRUST_REQUEST_ID_HEADER = True
    response = client.get(reverse("staffing:login"), HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert response["X-Request-ID"].isalnum()


def test_danish_is_the_default_whatever_the_browser_asks_for(client) -> None:
    response = client.get(reverse("staffing:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Brugernavn" in response.content.decode()


def test_english_when_chosen_with_the_language_switch(client) -> None:
    client.post(reverse("set_language"), {"language": "en"})
    assert "Username" in client.get(reverse("staffing:login")).content.decode()

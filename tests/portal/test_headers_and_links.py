"""Security headers, the Site's real address in public links, and which media files are public (issue 9 §7, §8)."""

import pytest
from django.test import Client

from portal.setup import ensure_page_tree

pytestmark = pytest.mark.django_db


def test_public_pages_allow_only_the_portals_own_scripts(client, site):
    policy = client.get("/en/practices/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy


def test_the_admin_has_its_own_looser_policy(admin_client, site):
    policy = admin_client.get("/admin/")["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "object-src 'none'" in policy


def test_pages_refuse_browser_features_they_never_use(client, site):
    policy = client.get("/en/")["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy


def test_the_sitemap_and_content_api_link_to_the_configured_address(settings, site):
    settings.WAGTAILADMIN_BASE_URL = "https://portal.example.org"
    ensure_page_tree()
    client = Client()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "https://portal.example.org/en/practices/" in sitemap
    assert "localhost" not in sitemap
    pages = client.get("/api/v2/pages/", {"fields": "html_url"}).json()["items"]
    assert pages and all(page["meta"]["html_url"].startswith("https://portal.example.org/") for page in pages)


def test_a_port_in_the_configured_address_reaches_the_site(settings, site):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8150"
    ensure_page_tree()
    assert "http://127.0.0.1:8150/en/practices/" in Client().get("/sitemap.xml").content.decode()


def test_image_renditions_are_public_files_and_nothing_else_under_media(settings, tmp_path, site):
    settings.MEDIA_ROOT = tmp_path
    for folder in ("images", "original_images", "documents"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "photo.jpg").write_bytes(b"jpeg bytes")
    client = Client()
    response = client.get("/media/images/photo.jpg")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"jpeg bytes"
    for folder in ("original_images", "documents"):
        assert client.get(f"/media/{folder}/photo.jpg", follow=True).status_code == 404
    assert client.get("/media/images/../documents/photo.jpg", follow=True).status_code == 404

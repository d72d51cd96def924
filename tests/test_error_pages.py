from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


def test_the_server_error_page_is_translated():
    with translation.override("tr"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Bir şeyler ters gitti" in response.content.decode()

"""Author HTML is sanitised with nh3 (Ammonia) before it is stored: a small allow-list of
formatting tags, links forced to rel="noopener noreferrer", no scripts, styles or events.

An app that delivers its own pictures may allow ``<img>`` whose ``src`` matches its
delivery URLs (``image_src``): any other source (another host, ``data:``, a path
elsewhere) is dropped with the image; the alt text and the size attributes are kept."""

import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "ul", "ol", "li",
    "blockquote", "code", "pre", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}
IMAGE_ATTRIBUTES = {"src", "alt", "width", "height"}
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


def clean_html(text: str, *, image_src: re.Pattern[str] | None = None) -> str:
    if image_src is None:
        return nh3.clean(
            text,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        ).strip()

    def only_delivered(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return value if image_src.fullmatch(value) else None
        if tag == "img" and attribute in ("width", "height"):
            return value if value.isdigit() and len(value) <= 4 else None
        return value

    cleaned = nh3.clean(
        text,
        tags=ALLOWED_TAGS | {"img"},
        attributes={**ALLOWED_ATTRIBUTES, "img": IMAGE_ATTRIBUTES},
        attribute_filter=only_delivered,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return _IMG_WITHOUT_SRC.sub("", cleaned).strip()

"""Reading a cmi5 course structure (``cmi5.xml``, cmi5 section 13) into a package structure.

Pure like ``packages.py``: no database, no storage. Every rule of the course structure
schema is checked in code (the XSD is not shipped by any registry package): the course,
blocks, AUs and objectives have absolute IRIs as ids, unique in the structure; titles and
descriptions are language maps; an AU's ``url`` is relative inside the package (and there)
or absolute http(s); ``moveOn``, ``masteryScore`` (0..1), ``launchMethod`` take the
schema's values. ``PackageRefused`` names the first problem found.
"""

from decimal import Decimal, InvalidOperation
from posixpath import normpath
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from lectio.scorm.packages import MANIFEST_MAX_BYTES, PackageRefused
from lectio.xapi import validation
from lectio.xapi.validation import StatementError

COURSE_STRUCTURE = "cmi5.xml"
NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")
LAUNCH_METHODS = ("AnyWindow", "OwnWindow")
_AU_CHILDREN = {
    "title",
    "description",
    "objectives",
    "url",
    "launchParameters",
    "entitlementKey",
}
# The names cmi5 section 8.1 adds to an AU's url when it launches.
LAUNCH_PARAMETERS = {"endpoint", "fetch", "actor", "registration", "activityId"}
_AU_ATTRIBUTES = {"id", "moveOn", "masteryScore", "launchMethod", "activityType"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ours(element: Element) -> bool:
    """Elements of the cmi5 namespace (others are extensions, ignored by the schema's
    ``##other`` wildcards)."""
    return element.tag.startswith("{" + NAMESPACE + "}")


def _children(element: Element) -> list[Element]:
    return [child for child in element if _ours(child)]


def _one(element: Element, name: str, what: str, *, required: bool = True) -> Element | None:
    found = [child for child in _children(element) if _local(child.tag) == name]
    if len(found) > 1:
        raise PackageRefused(
            _("%(what)s has more than one <%(name)s>.") % {"what": what, "name": name}
        )
    if not found and required:
        raise PackageRefused(_("%(what)s has no <%(name)s>.") % {"what": what, "name": name})
    return found[0] if found else None


def _language_map(element: Element | None, what: str) -> dict[str, str]:
    """<title>/<description>: one or more <langstring lang="..."> (a language map)."""
    if element is None:
        return {}
    result: dict[str, str] = {}
    strings = _children(element)
    if not strings:
        raise PackageRefused(_("The %(what)s has no <langstring>.") % {"what": what})
    for string in strings:
        if _local(string.tag) != "langstring":
            raise PackageRefused(
                _("The %(what)s contains <%(name)s>; only <langstring> is allowed.")
                % {"what": what, "name": _local(string.tag)}
            )
        lang = (string.get("lang") or "").strip()
        try:
            validation.language_tag(lang, "lang")
        except StatementError:
            raise PackageRefused(
                _("A <langstring> of the %(what)s has no valid lang (“%(lang)s”).")
                % {"what": what, "lang": lang}
            ) from None
        if lang in result:
            raise PackageRefused(
                _("The %(what)s repeats the language “%(lang)s”.") % {"what": what, "lang": lang}
            )
        result[lang] = (string.text or "").strip()
    return result


def _text_of(element: Element) -> str:
    return (element.text or "").strip()


class _Reader:
    def __init__(self, files: set[str] | None) -> None:
        self.files = files
        self.ids: set[str] = set()
        self.aus: list[dict[str, Any]] = []
        self.blocks: list[dict[str, Any]] = []

    def identifier(self, element: Element, what: str) -> str:
        value = (element.get("id") or "").strip()
        if not value:
            raise PackageRefused(_("A %(what)s has no id.") % {"what": what})
        try:
            validation.iri(value, "id")
        except StatementError:
            raise PackageRefused(
                _("The %(what)s id “%(id)s” is not an IRI (it needs a scheme, e.g. https://).")
                % {"what": what, "id": value}
            ) from None
        if value in self.ids:
            raise PackageRefused(
                _("The id “%(id)s” is used twice in the course structure.") % {"id": value}
            )
        self.ids.add(value)
        return value

    def titled(self, element: Element, what: str, identifier: str) -> dict[str, Any]:
        label = f"{what} “{identifier}”"
        titles = _language_map(_one(element, "title", label), _("title of %s") % label)
        descriptions = _language_map(
            _one(element, "description", label), _("description of %s") % label
        )
        return {
            "id": identifier,
            "title": next(iter(titles.values()), "") or identifier,
            "titles": titles,
            "descriptions": descriptions,
        }

    def objectives(self, element: Element, label: str) -> list[str]:
        found = _one(element, "objectives", label, required=False)
        if found is None:
            return []
        refs = []
        for child in _children(found):
            ref = (child.get("idref") or "").strip()
            if _local(child.tag) != "objective" or not ref:
                raise PackageRefused(
                    _('The objectives of %(what)s must be <objective idref="…">.') % {"what": label}
                )
            refs.append(ref)
        return refs

    def url(self, element: Element, identifier: str) -> tuple[str, bool]:
        found = _one(element, "url", _("AU “%s”") % identifier)
        assert found is not None
        value = _text_of(found)
        if not value:
            raise PackageRefused(_("AU “%(id)s” has an empty url.") % {"id": identifier})
        if any(ch.isspace() for ch in value) or "\\" in value:
            raise PackageRefused(
                _("AU “%(id)s” has a url with spaces or backslashes: “%(url)s”.")
                % {"id": identifier, "url": value}
            )
        parts = urlsplit(value)
        taken = sorted(LAUNCH_PARAMETERS & {name for name, _v in parse_qsl(parts.query)})
        if taken:
            # cmi5 8.1: the url's own query names "MUST NOT collide" with the launch's.
            raise PackageRefused(
                _(
                    "AU “%(id)s” has a url whose query string uses “%(name)s”, a name of "
                    "the cmi5 launch parameters."
                )
                % {"id": identifier, "name": taken[0]}
            )
        if parts.scheme:
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise PackageRefused(
                    _(
                        "AU “%(id)s” launches “%(url)s”: an absolute url must be http(s) "
                        "with a host."
                    )
                    % {"id": identifier, "url": value}
                )
            return value, True
        path = unquote(parts.path)
        if parts.netloc or value.startswith("/") or not path or ".." in normpath(path).split("/"):
            raise PackageRefused(
                _("AU “%(id)s” launches “%(url)s”, outside the package.")
                % {"id": identifier, "url": value}
            )
        if self.files is None:
            raise PackageRefused(
                _(
                    "AU “%(id)s” launches “%(url)s” inside a package, but only cmi5.xml was "
                    "uploaded: upload the zip with its files."
                )
                % {"id": identifier, "url": value}
            )
        if normpath(path) not in self.files:
            raise PackageRefused(
                _("AU “%(id)s” launches “%(path)s”, which is not in the package.")
                % {"id": identifier, "path": path}
            )
        return value, False

    def au(self, element: Element, parents: list[str]) -> dict[str, Any]:
        identifier = self.identifier(element, _("AU"))
        label = _("AU “%s”") % identifier
        for name in element.attrib:
            if "}" not in name and name not in _AU_ATTRIBUTES:
                raise PackageRefused(
                    _("%(what)s has an unknown attribute “%(name)s”.")
                    % {"what": label, "name": name}
                )
        for child in _children(element):
            if _local(child.tag) not in _AU_CHILDREN:
                raise PackageRefused(
                    _("%(what)s contains an unknown element <%(name)s>.")
                    % {"what": label, "name": _local(child.tag)}
                )
        node = self.titled(element, _("AU"), identifier)
        move_on = (element.get("moveOn") or "NotApplicable").strip()
        if move_on not in MOVE_ON:
            raise PackageRefused(
                _("%(what)s has moveOn “%(value)s”; it must be one of %(allowed)s.")
                % {"what": label, "value": move_on, "allowed": ", ".join(MOVE_ON)}
            )
        mastery: float | None = None
        raw_mastery = element.get("masteryScore")
        if raw_mastery is not None:
            try:
                number = Decimal(raw_mastery.strip())
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
                raise PackageRefused(
                    _("%(what)s has masteryScore “%(value)s”; it must be a decimal from 0 to 1.")
                    % {"what": label, "value": raw_mastery}
                )
            mastery = float(number)
        method = (element.get("launchMethod") or "AnyWindow").strip()
        if method not in LAUNCH_METHODS:
            raise PackageRefused(
                _("%(what)s has launchMethod “%(value)s”; it must be AnyWindow or OwnWindow.")
                % {"what": label, "value": method}
            )
        activity_type = (element.get("activityType") or "").strip()
        if activity_type:
            try:
                validation.iri(activity_type, "activityType")
            except StatementError:
                raise PackageRefused(
                    _("%(what)s has activityType “%(value)s”, which is not an IRI.")
                    % {"what": label, "value": activity_type}
                ) from None
        url, external = self.url(element, identifier)
        parameters = _one(element, "launchParameters", label, required=False)
        entitlement = _one(element, "entitlementKey", label, required=False)
        node.update(
            {
                "launch": url,
                "external": external,
                "sco": True,
                "moveOn": move_on,
                "masteryScore": mastery,
                "launchMethod": method,
                "activityType": activity_type,
                "launchParameters": _text_of(parameters) if parameters is not None else "",
                "entitlementKey": _text_of(entitlement) if entitlement is not None else "",
                "objectives": self.objectives(element, label),
                "parents": list(parents),
            }
        )
        self.aus.append(node)
        return node

    def block(self, element: Element, parents: list[str]) -> dict[str, Any]:
        identifier = self.identifier(element, _("block"))
        node = self.titled(element, _("block"), identifier)
        node["objectives"] = self.objectives(element, _("block “%s”") % identifier)
        node["children"] = self.members(
            element, [*parents, identifier], _("block “%s”") % identifier
        )
        if not node["children"]:
            raise PackageRefused(_("Block “%(id)s” has no AU.") % {"id": identifier})
        self.blocks.append(node)
        return node

    def members(self, element: Element, parents: list[str], label: str) -> list[dict[str, Any]]:
        members = []
        for child in _children(element):
            name = _local(child.tag)
            if name == "au":
                members.append(self.au(child, parents))
            elif name == "block":
                members.append(self.block(child, parents))
            elif name not in ("title", "description", "objectives", "course"):
                raise PackageRefused(
                    _("%(what)s contains an unknown element <%(name)s>.")
                    % {"what": label, "name": name}
                )
        return members


def _aus_of(node: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for child in node.get("children", []):
        found.extend(_aus_of(child) if "children" in child else [child["id"]])
    return found


def read_course_structure(raw: bytes, files: set[str] | None) -> dict[str, Any]:
    """The package structure of a cmi5 course. ``files`` are the zip's members, or None
    for a bare cmi5.xml (then every AU must be an absolute http(s) url)."""
    if len(raw) > MANIFEST_MAX_BYTES:
        raise PackageRefused(_("cmi5.xml is larger than 5 MB."))
    try:
        root = fromstring(raw)
    except DefusedXmlException:
        raise PackageRefused(
            _("cmi5.xml declares entities or a DTD, which are refused (XML bomb).")
        ) from None
    except ParseError as error:
        raise PackageRefused(
            _("cmi5.xml is not well-formed XML (line %(line)s).") % {"line": error.position[0]}
        ) from None
    if _local(root.tag) != "courseStructure":
        raise PackageRefused(_("cmi5.xml does not start with a <courseStructure> element."))
    if not _ours(root):
        raise PackageRefused(
            _("cmi5.xml's <courseStructure> is not in the cmi5 namespace (%(ns)s).")
            % {"ns": NAMESPACE}
        )
    reader = _Reader(files)
    course_element = _one(root, "course", _("The course structure"))
    assert course_element is not None
    course_id = reader.identifier(course_element, _("course"))
    course = reader.titled(course_element, _("course"), course_id)
    objectives_element = _one(root, "objectives", _("The course structure"), required=False)
    known_objectives: set[str] = set()
    if objectives_element is not None:
        for objective in _children(objectives_element):
            if _local(objective.tag) != "objective":
                raise PackageRefused(_("<objectives> may only contain <objective>."))
            objective_id = reader.identifier(objective, _("objective"))
            reader.titled(objective, _("objective"), objective_id)
            known_objectives.add(objective_id)
    children = reader.members(root, [], _("The course structure"))
    if not reader.aus:
        raise PackageRefused(_("The course structure has no AU to launch."))
    for node in [*reader.aus, *reader.blocks]:
        for ref in node["objectives"]:
            if ref not in known_objectives:
                raise PackageRefused(
                    _("“%(id)s” refers to the objective “%(ref)s”, which is not declared.")
                    % {"id": node["id"], "ref": ref}
                )
    return {
        "standard": "cmi5",
        "title": course["title"],
        "course": course,
        "organization": {"id": course_id, "title": course["title"], "children": children},
        "organizations": [course_id],
        "resources": {},
        "scos": [{k: v for k, v in au.items() if k != "children"} for au in reader.aus],
        "blocks": [
            {"id": block["id"], "title": block["title"], "aus": _aus_of(block)}
            for block in reader.blocks  # inner blocks first: the order satisfaction needs
        ],
        "sequencing": False,
    }

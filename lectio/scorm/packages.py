"""Reading an uploaded package: the zip's safety checks and the SCORM manifest.

Everything here is pure (no database, no storage): ``check_zip`` refuses unsafe archives
and ``read_manifest`` turns ``imsmanifest.xml`` into the package's structure, or raises
``PackageRefused`` naming the problem. cmi5 reuses ``check_zip`` and ``PackageRefused``.
"""

import re
import stat
import zipfile
from dataclasses import dataclass
from posixpath import normpath
from typing import IO, Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.conf import settings
from django.utils.translation import gettext as _

MANIFEST = "imsmanifest.xml"
MANIFEST_MAX_BYTES = 5 * 1024 * 1024
# A member may shrink this much at most when compressed (text ~10 times, bombs 1000).
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # small members are not judged by ratio

NS = {
    "imscp": "http://www.imsglobal.org/xsd/imscp_v1p1",
    "adlcp12": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "imsss": "http://www.imsglobal.org/xsd/imsss",
    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
}
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
STANDARDS = ("scorm12", "scorm2004_3", "scorm2004_4", "cmi5")
SCHEMA_VERSIONS = {
    "1.2": "scorm12",
    "cam 1.3": "scorm2004_3",  # 2004 2nd edition, read as 3rd (same data model)
    "2004 3rd edition": "scorm2004_3",
    "2004 4th edition": "scorm2004_4",
}


class PackageRefused(Exception):
    """The package cannot be used; the message names the problem."""


@dataclass
class Limits:
    max_bytes: int
    max_files: int
    max_unpacked_bytes: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.LECTIO_PACKAGE_MAX_BYTES,
            max_files=settings.LECTIO_PACKAGE_MAX_FILES,
            max_unpacked_bytes=settings.LECTIO_PACKAGE_MAX_UNPACKED_BYTES,
        )


_DRIVE = re.compile(r"^[A-Za-z]:")


def _member_problem(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if "\\" in name:
        return _("“%(name)s” uses backslashes in its path.") % {"name": name}
    if name.startswith("/") or _DRIVE.match(name):
        return _("“%(name)s” is an absolute path.") % {"name": name}
    if ".." in name.split("/"):
        return _("“%(name)s” points outside the package (..).") % {"name": name}
    if "\x00" in name:
        return _("“%(name)s” contains a NUL character.") % {"name": name}
    if stat.S_ISLNK(info.external_attr >> 16):
        return _("“%(name)s” is a symbolic link.") % {"name": name}
    if info.flag_bits & 0x1:
        return _("“%(name)s” is encrypted.") % {"name": name}
    return ""


def check_zip(handle: IO[bytes], size: int, limits: Limits | None = None) -> zipfile.ZipFile:
    """The open archive when it is safe to unpack: within the size limits, no path that
    leaves the package, no links, no zip bomb. Raises PackageRefused otherwise."""
    limits = limits or Limits.from_settings()
    if size > limits.max_bytes:
        raise PackageRefused(
            _("The package is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": size // 2**20, "limit": limits.max_bytes // 2**20}
        )
    try:
        archive = zipfile.ZipFile(handle)
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise PackageRefused(_("The file is not a readable zip archive.")) from None
    if len(members) > limits.max_files:
        raise PackageRefused(
            _("The package has %(count)s files; at most %(limit)s are allowed.")
            % {"count": len(members), "limit": limits.max_files}
        )
    seen: set[str] = set()
    total = 0
    for info in members:
        if problem := _member_problem(info):
            raise PackageRefused(problem)
        if info.filename in seen:
            raise PackageRefused(
                _("“%(name)s” appears twice in the archive.") % {"name": info.filename}
            )
        seen.add(info.filename)
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PackageRefused(
                _("“%(name)s” expands %(ratio)s times: refused as a zip bomb.")
                % {"name": info.filename, "ratio": info.file_size // max(info.compress_size, 1)}
            )
    if total > limits.max_unpacked_bytes:
        raise PackageRefused(
            _("Unpacked, the package would take %(size)s MB; the limit is %(limit)s MB.")
            % {"size": total // 2**20, "limit": limits.max_unpacked_bytes // 2**20}
        )
    return archive


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, refusing one that inflates past what its header announced."""
    with archive.open(info) as member:
        data = member.read(min(limit, info.file_size) + 1)
    if len(data) > info.file_size or len(data) > limit:
        raise PackageRefused(
            _("“%(name)s” is larger than its header says.") % {"name": info.filename}
        )
    return data


# The manifest ------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: Element | None, name: str) -> str:
    child = _child(element, name) if element is not None else None
    return (child.text or "").strip() if child is not None else ""


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")


def _standard(root: Element, raw: bytes) -> str:
    version = _text(_child(root, "metadata"), "schemaversion")
    if version:
        standard = SCHEMA_VERSIONS.get(version.lower())
        if standard is None:
            raise PackageRefused(
                _("Unknown SCORM version “%(version)s” (schemaversion).") % {"version": version}
            )
        return standard
    if NS["adlcp"].encode() in raw:
        return "scorm2004_3"
    if NS["adlcp12"].encode() in raw:
        return "scorm12"
    raise PackageRefused(
        _("The manifest names no SCORM version (no schemaversion nor SCORM namespaces).")
    )


def _join(base: str, href: str) -> str:
    if not base or base.endswith("/"):
        return base + href
    return base + "/" + href


def _sequencing(element: Element) -> dict[str, Any]:
    """The parts of imsss:sequencing that we apply (see docs/decisions.md)."""
    found = _child(element, "sequencing")
    if found is None:
        return {}
    result: dict[str, Any] = {}
    if (mode := _child(found, "controlMode")) is not None:
        result["control"] = {
            "choice": _bool(mode.get("choice"), True),
            "choiceExit": _bool(mode.get("choiceExit"), True),
            "flow": _bool(mode.get("flow"), False),
            "forwardOnly": _bool(mode.get("forwardOnly"), False),
        }
    if (delivery := _child(found, "deliveryControls")) is not None:
        result["tracked"] = _bool(delivery.get("tracked"), True)
    if (rollup := _child(found, "rollupRules")) is not None:
        weight = rollup.get("objectiveMeasureWeight")
        result["rollup"] = {
            "completion": _bool(rollup.get("rollupProgressCompletion"), True),
            "satisfied": _bool(rollup.get("rollupObjectiveSatisfied"), True),
            "weight": float(weight) if weight else 1.0,
        }
        if _children(rollup, "rollupRule"):
            result["unsupported"] = ["rollupRule"]
    if (objectives := _child(found, "objectives")) is not None:
        primary = _child(objectives, "primaryObjective")
        if primary is not None:
            measure = _text(primary, "minNormalizedMeasure")
            result["primary_objective"] = {
                "id": primary.get("objectiveID", ""),
                "satisfied_by_measure": _bool(primary.get("satisfiedByMeasure"), False),
                "min_measure": float(measure) if measure else None,
            }
    if (limits := _child(found, "limitConditions")) is not None:
        result["limits"] = dict(limits.attrib)
    for name in ("sequencingRules", "randomizationControls", "constrainedChoiceConsiderations"):
        if _child(found, name) is not None:
            result.setdefault("unsupported", []).append(name)
    return result


def _item(
    element: Element, resources: dict[str, dict[str, Any]], standard: str, files: set[str]
) -> dict[str, Any]:
    identifier = element.get("identifier", "").strip()
    if not identifier:
        raise PackageRefused(_("An item of the manifest has no identifier."))
    item: dict[str, Any] = {
        "id": identifier,
        "title": _text(element, "title") or identifier,
        "visible": _bool(element.get("isvisible"), True),
        "children": [],
    }
    if sequencing := _sequencing(element):
        item["sequencing"] = sequencing
    children = _children(element, "item")
    ref = element.get("identifierref", "").strip()
    if children:
        item["children"] = [_item(child, resources, standard, files) for child in children]
        return item
    if not ref:
        raise PackageRefused(
            _("Item “%(item)s” has nothing to launch (no identifierref).") % {"item": identifier}
        )
    resource = resources.get(ref)
    if resource is None:
        raise PackageRefused(
            _("Item “%(item)s” refers to resource “%(ref)s”, which the manifest lacks.")
            % {"item": identifier, "ref": ref}
        )
    if not resource["href"]:
        raise PackageRefused(_("Resource “%(ref)s” has no href to launch.") % {"ref": ref})
    path = resource["href"].split("?", 1)[0].split("#", 1)[0]
    if unquote(path) not in files:
        raise PackageRefused(
            _("Item “%(item)s” launches “%(path)s”, which is not in the package.")
            % {"item": identifier, "path": path}
        )
    parameters = element.get("parameters", "").strip()
    launch = resource["href"]
    if parameters:
        if parameters.startswith("?") and "?" in launch:
            parameters = "&" + parameters[1:]
        elif not parameters.startswith(("?", "#", "&")):
            parameters = ("&" if "?" in launch else "?") + parameters
        launch += parameters
    item.update({"resource": ref, "launch": launch, "sco": resource["sco"]})
    if standard == "scorm12":
        mastery = _text(element, "masteryscore")
        if mastery:
            try:
                item["mastery_score"] = float(mastery)
            except ValueError:
                raise PackageRefused(
                    _("Item “%(item)s” has a mastery score that is not a number: “%(v)s”.")
                    % {"item": identifier, "v": mastery}
                ) from None
        item["launch_data"] = _text(element, "datafromlms")
        item["max_time_allowed"] = _text(element, "maxtimeallowed")
        item["time_limit_action"] = _text(element, "timelimitaction")
    else:
        item["launch_data"] = _text(element, "dataFromLMS")
        item["time_limit_action"] = _text(element, "timeLimitAction")
        threshold = _child(element, "completionThreshold")
        if threshold is not None:
            value = threshold.get("minProgressMeasure") or (threshold.text or "").strip()
            if value:
                item["completion_threshold"] = float(value)
        primary = item.get("sequencing", {}).get("primary_objective") or {}
        if primary.get("satisfied_by_measure") and primary.get("min_measure") is not None:
            item["scaled_passing_score"] = primary["min_measure"]
        limits = item.get("sequencing", {}).get("limits", {})
        if limits.get("attemptAbsoluteDurationLimit"):
            item["max_time_allowed"] = limits["attemptAbsoluteDurationLimit"]
    return item


def read_manifest(raw: bytes, files: set[str]) -> dict[str, Any]:
    """The package's structure from its manifest: version, organisations (item trees),
    resources, and every SCO with its launch address and data. ``files`` are the archive's
    members (launch files must be among them)."""
    if len(raw) > MANIFEST_MAX_BYTES:
        raise PackageRefused(_("imsmanifest.xml is larger than 5 MB."))
    try:
        root = fromstring(raw)
    except DefusedXmlException:
        raise PackageRefused(
            _("imsmanifest.xml declares entities or a DTD, which are refused (XML bomb).")
        ) from None
    except ParseError as error:
        raise PackageRefused(
            _("imsmanifest.xml is not well-formed XML (line %(line)s).")
            % {"line": error.position[0]}
        ) from None
    if _local(root.tag) != "manifest":
        raise PackageRefused(_("imsmanifest.xml does not start with a <manifest> element."))
    standard = _standard(root, raw)
    resources: dict[str, dict[str, Any]] = {}
    resources_element = _child(root, "resources")
    base = (resources_element.get(XML_BASE, "") if resources_element is not None else "") or ""
    base = (root.get(XML_BASE) or "") + base
    for element in (
        _children(resources_element, "resource") if resources_element is not None else []
    ):
        identifier = element.get("identifier", "").strip()
        kind = ""
        for key, value in element.attrib.items():
            if _local(key).lower() == "scormtype":
                kind = value.strip().lower()
        href = element.get("href", "").strip()
        own_base = element.get(XML_BASE, "") or ""
        full = _join(base + own_base, href) if href else ""
        if full and (full.startswith("/") or "://" in full or ".." in normpath(full).split("/")):
            raise PackageRefused(
                _("Resource “%(ref)s” launches “%(href)s”, outside the package.")
                % {"ref": identifier, "href": full}
            )
        resources[identifier] = {
            "id": identifier,
            "href": full,
            "sco": kind == "sco",
            "files": [f.get("href", "") for f in _children(element, "file")],
        }
    organizations = _child(root, "organizations")
    orgs = _children(organizations, "organization") if organizations is not None else []
    if not orgs:
        raise PackageRefused(_("The manifest has no organisation."))
    parsed = []
    for org in orgs:
        items = _children(org, "item")
        if not items:
            raise PackageRefused(
                _("Organisation “%(org)s” has no items.") % {"org": org.get("identifier", "")}
            )
        entry: dict[str, Any] = {
            "id": org.get("identifier", ""),
            "title": _text(org, "title") or org.get("identifier", ""),
            "children": [_item(item, resources, standard, files) for item in items],
        }
        if sequencing := _sequencing(org):
            entry["sequencing"] = sequencing
        parsed.append(entry)
    default = organizations.get("default", "") if organizations is not None else ""
    chosen = next((org for org in parsed if org["id"] == default), parsed[0])
    leaves = list(_leaves(chosen))
    ids = [leaf["id"] for leaf in leaves]
    if len(set(ids)) != len(ids):
        raise PackageRefused(_("Two items of the organisation share an identifier."))
    return {
        "standard": standard,
        "title": chosen["title"],
        "organization": chosen,
        "organizations": [org["id"] for org in parsed],
        "resources": resources,
        "scos": [
            {k: v for k, v in leaf.items() if k not in ("children", "sequencing")}
            for leaf in leaves
        ],
        "sequencing": bool(b"imsglobal.org/xsd/imsss" in raw),
    }


def _leaves(node: dict[str, Any]) -> Any:
    for child in node.get("children", []):
        if child.get("children"):
            yield from _leaves(child)
        else:
            yield child


def inspect(handle: IO[bytes], size: int) -> tuple[zipfile.ZipFile | None, dict[str, Any]]:
    """The checked archive and its manifest (or cmi5 course structure); PackageRefused
    names why not. A bare cmi5.xml (not a zip) gives no archive: its AUs are external."""
    head = handle.read(4)
    handle.seek(0)
    if not head.startswith(b"PK") and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        from lectio.scorm import cmi5

        if size > MANIFEST_MAX_BYTES:
            raise PackageRefused(_("cmi5.xml is larger than 5 MB."))
        return None, cmi5.read_course_structure(handle.read(MANIFEST_MAX_BYTES + 1), None)
    archive = check_zip(handle, size)
    names = {info.filename for info in archive.infolist() if not info.is_dir()}
    if MANIFEST not in names and "cmi5.xml" in names:
        from lectio.scorm import cmi5  # it reuses this module's checks

        raw = read_member(archive, archive.getinfo("cmi5.xml"), MANIFEST_MAX_BYTES)
        return archive, cmi5.read_course_structure(raw, names)
    if MANIFEST not in names:
        nested = sorted(n for n in names if n.rsplit("/", 1)[-1].lower() == MANIFEST)
        if nested:
            raise PackageRefused(
                _("imsmanifest.xml must be at the root of the zip, not in “%(path)s”.")
                % {"path": nested[0]}
            )
        raise PackageRefused(_("The package has no imsmanifest.xml (SCORM) nor cmi5.xml (cmi5)."))
    raw = read_member(archive, archive.getinfo(MANIFEST), MANIFEST_MAX_BYTES)
    return archive, read_manifest(raw, names)

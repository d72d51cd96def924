"""A demo SCORM 2004 package, written here: two SCOs about a fire drill, added as an
interactive lesson to the Workplace Health and Safety course (published with its media)."""

import io
import zipfile
from typing import TextIO

from lectio.accounts.models import User
from lectio.catalog import services as catalog
from lectio.catalog.models import Course
from lectio.scorm import services

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="lectio-demo-fire-drill" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="drill">
    <organization identifier="drill">
      <title>Fire drill</title>
      <item identifier="hazards" identifierref="r_hazards"><title>Spot the hazards</title></item>
      <item identifier="check" identifierref="r_check">
        <title>Drill check</title>
        <imsss:sequencing><imsss:objectives>
          <imsss:primaryObjective objectiveID="check" satisfiedByMeasure="true">
            <imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure>
          </imsss:primaryObjective>
        </imsss:objectives></imsss:sequencing>
      </item>
      <imsss:sequencing><imsss:controlMode choice="true" flow="true"/></imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="r_hazards" type="webcontent" adlcp:scormType="sco" href="hazards.html">
      <file href="hazards.html"/><file href="shared.js"/>
    </resource>
    <resource identifier="r_check" type="webcontent" adlcp:scormType="sco" href="check.html">
      <file href="check.html"/><file href="shared.js"/>
    </resource>
  </resources>
</manifest>
"""

SHARED = """var api = null;
function findAPI(win) {
  for (var n = 0; win && n < 10; n++) {
    if (win.API_1484_11) return win.API_1484_11;
    if (win === win.parent) break;
    win = win.parent;
  }
  return null;
}
window.addEventListener("load", function () {
  api = findAPI(window.parent);
  if (api) api.Initialize("");
  if (window.start) window.start();
});
window.addEventListener("pagehide", function () {
  if (api) { api.SetValue("cmi.exit", "suspend"); api.Terminate(""); api = null; }
});
"""

HAZARDS = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Spot the hazards</title><script src="shared.js"></script>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;line-height:1.5}
button{margin:.25rem;padding:.5rem 1rem;font:inherit}.found{background:#c8f0d0}</style>
<script>
var found = [];
function start() {
  var saved = api ? api.GetValue("cmi.suspend_data") : "";
  found = saved ? saved.split(",") : [];
  found.forEach(mark);
  update();
}
function mark(id) { var b = document.getElementById(id); if (b) b.className = "found"; }
function spot(id) {
  if (found.indexOf(id) < 0) found.push(id);
  mark(id);
  update();
}
function update() {
  document.getElementById("count").textContent = found.length;
  if (!api) return;
  api.SetValue("cmi.suspend_data", found.join(","));
  api.SetValue("cmi.location", String(found.length));
  api.SetValue("cmi.progress_measure", String(found.length / 3));
  api.SetValue("cmi.completion_status", found.length === 3 ? "completed" : "incomplete");
  api.Commit("");
}
</script></head><body>
<h1>Spot the hazards</h1>
<p>Three things in this corridor would slow an evacuation. Find them all
(found: <strong id="count">0</strong> of 3).</p>
<button id="door" onclick="spot('door')">A fire door wedged open</button>
<button id="boxes" onclick="spot('boxes')">Boxes stacked in front of the exit</button>
<button id="sign">A lit exit sign</button>
<button id="cable" onclick="spot('cable')">A cable across the floor</button>
</body></html>
"""

CHECK = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Drill check</title><script src="shared.js"></script>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;line-height:1.5}
fieldset{margin-bottom:1rem}button{padding:.5rem 1rem;font:inherit}</style>
<script>
var KEY = {q1: "b", q2: "a", q3: "a"};
function submitCheck() {
  var right = 0;
  for (var q in KEY) {
    var chosen = document.querySelector("input[name=" + q + "]:checked");
    if (chosen && chosen.value === KEY[q]) right++;
  }
  var scaled = right / 3;
  document.getElementById("result").textContent = right + " of 3 right.";
  if (!api) return;
  api.SetValue("cmi.score.raw", String(right));
  api.SetValue("cmi.score.min", "0");
  api.SetValue("cmi.score.max", "3");
  api.SetValue("cmi.score.scaled", scaled.toFixed(2));
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.exit", "normal");
  api.Terminate("");
  api = null;
}
</script></head><body>
<h1>Drill check</h1>
<fieldset><legend>The alarm sounds. What first?</legend>
<label><input type="radio" name="q1" value="a"> Finish your e-mail</label><br>
<label><input type="radio" name="q1" value="b"> Leave by the nearest exit</label></fieldset>
<fieldset><legend>Where do you go?</legend>
<label><input type="radio" name="q2" value="a"> The assembly point</label><br>
<label><input type="radio" name="q2" value="b"> The car park exit</label></fieldset>
<fieldset><legend>May you use the lift?</legend>
<label><input type="radio" name="q3" value="a"> No</label><br>
<label><input type="radio" name="q3" value="b"> Yes, if it is quick</label></fieldset>
<button onclick="submitCheck()">Check my answers</button>
<p id="result" role="status"></p>
</body></html>
"""


def package_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.writestr("shared.js", SHARED)
        archive.writestr("hazards.html", HAZARDS)
        archive.writestr("check.html", CHECK)
    return buffer.getvalue()


def populate(out: TextIO) -> None:
    course = Course.objects.filter(title="Workplace Health and Safety").first()
    instructor = User.objects.filter(is_instructor=True).order_by("pk").first()
    if course is None or instructor is None or course.lessons.filter(kind="package").exists():
        return
    module = catalog.add_module(course, title="Interactive practice")
    lesson = catalog.add_lesson(module, title="Fire drill (SCORM)", kind_name="package")
    data = package_zip()
    services.import_package(
        lesson, io.BytesIO(data), size=len(data), file_name="fire-drill.zip", by=instructor
    )
    # Published with the course's media when they are ready (or now, if nothing waits).
    if not catalog.publish_problems(course):
        catalog.publish_course(course, by=instructor, notes="Fire drill package")
    out.write("SCORM: a fire drill package in Workplace Health and Safety.\n")

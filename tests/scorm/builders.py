"""Our own small SCORM packages, written here as zips (no third-party content)."""

import io
import zipfile

# A SCO page: finds the API on its parent, shows what it got back (location, suspend
# data, entry), and lets the learner answer, suspend and finish. Its own JavaScript drives
# the API as an authoring tool's would.
SCO_12 = """<!doctype html><html><head><meta charset="utf-8"><title>SCO</title>
<script>
var api = null;
function findAPI(win) { var n = 0; while (win && n < 10) { if (win.API) return win.API;
  if (win === win.parent) break; win = win.parent; n++; } return null; }
function show(id, value) { document.getElementById(id).textContent = value; }
window.onload = function () {
  api = findAPI(window.parent);
  if (!api) { show("state", "no API"); return; }
  api.LMSInitialize("");
  show("entry", api.LMSGetValue("cmi.core.entry"));
  show("mode", api.LMSGetValue("cmi.core.lesson_mode"));
  show("location", api.LMSGetValue("cmi.core.lesson_location"));
  show("suspend", api.LMSGetValue("cmi.suspend_data"));
  show("name", api.LMSGetValue("cmi.core.student_name"));
  show("mastery", api.LMSGetValue("cmi.student_data.mastery_score"));
  show("launch", api.LMSGetValue("cmi.launch_data"));
  show("state", "ready");
};
function answer(correct) {
  api.LMSSetValue("cmi.core.lesson_location", "question-2");
  api.LMSSetValue("cmi.suspend_data", "answered=" + (correct ? "yes" : "no"));
  api.LMSSetValue("cmi.core.score.raw", correct ? "90" : "40");
  api.LMSSetValue("cmi.core.lesson_status", "incomplete");
  api.LMSSetValue("cmi.core.exit", "suspend");
  api.LMSSetValue("cmi.core.session_time", "00:00:05");
  api.LMSCommit("");
  show("state", "saved");
}
function moveOn() {
  api.LMSSetValue("cmi.core.lesson_location", "question-3"); show("state", "moved"); }
function finish() {
  api.LMSSetValue("cmi.core.lesson_status", "completed");
  api.LMSSetValue("cmi.core.exit", "");
  api.LMSSetValue("cmi.core.session_time", "00:00:07");
  api.LMSFinish("");
  show("state", "finished");
}
</script></head><body>
<h1>Safety basics</h1>
<p>Entry: <span id="entry"></span> · Mode: <span id="mode"></span>
 · Location: <span id="location"></span>
 · Suspend: <span id="suspend"></span> · Name: <span id="name"></span>
 · Mastery: <span id="mastery"></span> · Launch: <span id="launch"></span></p>
<p>State: <output id="state">loading</output></p>
<button onclick="answer(true)">Answer correctly</button>
<button onclick="answer(false)">Answer wrongly</button>
<button onclick="moveOn()">Move on</button>
<button onclick="finish()">Finish</button>
</body></html>
"""

MANIFEST_12 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="safety12" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org1">
    <organization identifier="org1">
      <title>Safety basics</title>
      <item identifier="item1" identifierref="res1">
        <title>Safety lesson</title>
        <adlcp:masteryscore>80</adlcp:masteryscore>
        <adlcp:datafromlms>mode=standard</adlcp:datafromlms>
        <adlcp:maxtimeallowed>00:30:00</adlcp:maxtimeallowed>
        <adlcp:timelimitaction>continue,no message</adlcp:timelimitaction>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""

SCO_2004 = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<script>
var api = null;
function findAPI(win) {{ var n = 0; while (win && n < 10) {{
  if (win.API_1484_11) return win.API_1484_11;
  if (win === win.parent) break; win = win.parent; n++; }} return null; }}
function show(id, value) {{ document.getElementById(id).textContent = value; }}
window.onload = function () {{
  api = findAPI(window.parent);
  if (!api) {{ show("state", "no API"); return; }}
  api.Initialize("");
  show("entry", api.GetValue("cmi.entry"));
  show("mode", api.GetValue("cmi.mode"));
  show("location", api.GetValue("cmi.location"));
  show("suspend", api.GetValue("cmi.suspend_data"));
  show("passing", api.GetValue("cmi.scaled_passing_score"));
  if (api.GetValue("cmi.objectives._count") !== "0") {{
    show("objective", api.GetValue("cmi.objectives.0.id") + ":" +
      api.GetValue("cmi.objectives.0.success_status"));
  }}
  if (api.GetValue("cmi.interactions._count") !== "0") {{
    show("interaction", api.GetValue("cmi.interactions.0.id") + ":" +
      api.GetValue("cmi.interactions.0.learner_response") + ":" +
      api.GetValue("cmi.interactions.0.result"));
  }}
  show("state", "ready");
}};
function suspend() {{
  api.SetValue("cmi.location", "page-2");
  api.SetValue("cmi.suspend_data", "{title}:half");
  api.SetValue("cmi.progress_measure", "0.5");
  api.SetValue("cmi.objectives.0.id", "{title}_obj");
  api.SetValue("cmi.objectives.0.success_status", "passed");
  api.SetValue("cmi.interactions.0.id", "{title}_q1");
  api.SetValue("cmi.interactions.0.type", "choice");
  api.SetValue("cmi.interactions.0.learner_response", "stairs");
  api.SetValue("cmi.interactions.0.result", "correct");
  api.SetValue("cmi.completion_status", "incomplete");
  api.SetValue("cmi.exit", "suspend");
  api.SetValue("cmi.session_time", "PT4S");
  api.Commit("");
  show("state", "saved");
}}
function complete(scaled, request) {{
  api.SetValue("cmi.score.scaled", scaled);
  api.SetValue("cmi.score.raw", String(Math.round(scaled * 100)));
  api.SetValue("cmi.completion_status", "completed");
  api.SetValue("cmi.success_status", "unknown");
  api.SetValue("cmi.exit", "normal");
  api.SetValue("cmi.session_time", "PT6S");
  if (request) api.SetValue("adl.nav.request", request);
  api.Terminate("");
  show("state", "finished");
}}
</script></head><body>
<h1>{title}</h1>
<p>Entry: <span id="entry"></span> · Mode: <span id="mode"></span>
 · Location: <span id="location"></span>
 · Suspend: <span id="suspend"></span> · Passing: <span id="passing"></span>
 · Objective: <span id="objective"></span>
 · Interaction: <span id="interaction"></span></p>
<p>State: <output id="state">loading</output></p>
<button onclick="suspend()">Suspend here</button>
<button onclick="complete('0.9', 'continue')">Pass and continue</button>
<button onclick="complete('0.6', '')">Complete with 60</button>
</body></html>
"""

MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="fire2004" version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="fire">
    <organization identifier="fire">
      <title>Fire safety</title>
      <item identifier="alarm" identifierref="r_alarm">
        <title>{alarm_title}</title>
        <adlcp:dataFromLMS>building=7</adlcp:dataFromLMS>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="alarm_obj" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>
      <item identifier="exits" identifierref="r_exits">
        <title>Exits</title>
        <imsss:sequencing><imsss:rollupRules objectiveMeasureWeight="3"/></imsss:sequencing>
      </item>
      {extra_item}
      <imsss:sequencing>
        <imsss:controlMode choice="{choice}" flow="true" forwardOnly="{forward_only}"/>
      </imsss:sequencing>
    </organization>
  </organizations>
  <resources xml:base="content/">
    <resource identifier="r_alarm" type="webcontent" adlcp:scormType="sco" href="alarm.html">
      <file href="alarm.html"/>
    </resource>
    <resource identifier="r_exits" type="webcontent" adlcp:scormType="sco" href="exits.html">
      <file href="exits.html"/>
    </resource>
    <resource identifier="r_drill" type="webcontent" adlcp:scormType="sco" href="drill.html">
      <file href="drill.html"/>
    </resource>
  </resources>
</manifest>
"""


def make_zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def scorm12(manifest: str = MANIFEST_12) -> bytes:
    return make_zip({"imsmanifest.xml": manifest, "index.html": SCO_12})


def scorm2004(
    *,
    choice: bool = True,
    forward_only: bool = False,
    alarm_title: str = "Alarm",
    drill: bool = False,
    exits: bool = True,
) -> bytes:
    extra = '<item identifier="drill" identifierref="r_drill"><title>Drill</title></item>'
    manifest = MANIFEST_2004.format(
        choice=str(choice).lower(),
        forward_only=str(forward_only).lower(),
        alarm_title=alarm_title,
        extra_item=extra if drill else "",
    )
    if not exits:
        start = manifest.index('<item identifier="exits"')
        end = manifest.index("</item>", start) + len("</item>")
        manifest = manifest[:start] + manifest[end:]
    return make_zip(
        {
            "imsmanifest.xml": manifest,
            "content/alarm.html": SCO_2004.format(title="Alarm"),
            "content/exits.html": SCO_2004.format(title="Exits"),
            "content/drill.html": SCO_2004.format(title="Drill"),
        }
    )


# cmi5 -------------------------------------------------------------------------------

CMI5_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
COURSE_IRI = "https://example.com/courses/fire-safety"
AU1 = "https://example.com/courses/fire-safety/au/intro"
AU2 = "https://example.com/courses/fire-safety/au/quiz"
BLOCK = "https://example.com/courses/fire-safety/block/basics"


def lang(text: str) -> str:
    return f'<langstring lang="en-US">{text}</langstring>'


def au_xml(
    au_id: str = AU1,
    *,
    url: str = "au/index.html",
    attributes: str = 'moveOn="CompletedAndPassed" masteryScore="0.8"',
    extra: str = "<launchParameters>level=1</launchParameters>",
) -> str:
    return (
        f'<au id="{au_id}" {attributes}><title>{lang("Introduction")}</title>'
        f"<description>{lang('What to do in a fire')}</description>"
        f"<url>{url}</url>{extra}</au>"
    )


def cmi5_xml(body: str | None = None, *, course_id: str = COURSE_IRI) -> str:
    if body is None:
        body = (
            f'<block id="{BLOCK}"><title>{lang("Basics")}</title>'
            f"<description>{lang('B')}</description>{au_xml()}</block>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><courseStructure xmlns="{CMI5_NS}">'
        f'<course id="{course_id}"><title>{lang("Fire safety")}</title>'
        f"<description>{lang('Staying safe')}</description></course>{body}</courseStructure>"
    )


# A small AU: reads the cmi5 launch parameters, POSTs to fetch, reads LMS.LaunchData,
# then sends initialized/completed/passed/terminated to the endpoint with the token.
AU_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>AU</title>
<link rel="icon" href="data:,">
<script>
var q = new URLSearchParams(location.search), auth = null, launchData = null;
function show(id, value) { document.getElementById(id).textContent = value; }
function xapi(method, path, body) {
  return fetch(q.get("endpoint") + path, {method: method, headers: {
    "Authorization": "Basic " + auth, "X-Experience-API-Version": "1.0.3",
    "Content-Type": "application/json"}, body: body ? JSON.stringify(body) : undefined});
}
function statement(verb, result, moveOn) {
  var ctx = JSON.parse(JSON.stringify(launchData.contextTemplate));
  ctx.registration = q.get("registration");
  ctx.contextActivities.category = [{id: "https://w3id.org/xapi/cmi5/context/categories/cmi5"}];
  if (moveOn) ctx.contextActivities.category.push(
    {id: "https://w3id.org/xapi/cmi5/context/categories/moveon"});
  var s = {actor: JSON.parse(q.get("actor")), verb: {id: verb},
    object: {objectType: "Activity", id: q.get("activityId")}, context: ctx};
  if (result) s.result = result;
  return xapi("POST", "statements", s).then(function (r) {
    if (r.status !== 200) throw new Error("statement refused " + r.status); });
}
window.onload = function () {
  fetch(q.get("fetch"), {method: "POST"}).then(function (r) { return r.json(); })
  .then(function (json) {
    auth = json["auth-token"];
    var state = "activities/state?" + new URLSearchParams({activityId: q.get("activityId"),
      agent: q.get("actor"), registration: q.get("registration"), stateId: "LMS.LaunchData"});
    return xapi("GET", state);
  }).then(function (r) { return r.json(); }).then(function (data) {
    launchData = data;
    show("mode", data.launchMode); show("mastery", String(data.masteryScore));
    show("parameters", data.launchParameters || "");
    return xapi("GET", "agents/profile?" + new URLSearchParams({agent: q.get("actor"),
      profileId: "cmi5LearnerPreferences"}));
  }).then(function (r) { return r.json(); }).then(function (preferences) {
    show("language", preferences.languagePreference);
    return statement("http://adlnet.gov/expapi/verbs/initialized");
  }).then(function () { show("state", "ready"); })
  .catch(function (e) { show("state", "error " + e.message); });
};
function finish() {
  // Browse and Review: only initialized and terminated (cmi5 section 10, launchMode).
  var results = launchData.launchMode !== "Normal" ? Promise.resolve() :
    statement("http://adlnet.gov/expapi/verbs/completed", {completion: true}, true)
    .then(function () { return statement("http://adlnet.gov/expapi/verbs/passed",
      {success: true, score: {scaled: 0.9}}, true); });
  results
  .then(function () { return statement("http://adlnet.gov/expapi/verbs/terminated"); })
  .then(function () { show("state", "finished"); location.href = launchData.returnURL; })
  .catch(function (e) { show("state", "error " + e.message); });
}
</script></head><body>
<h1>Fire safety</h1>
<p>Mode: <span id="mode"></span> · Mastery: <span id="mastery"></span>
 · Parameters: <span id="parameters"></span>
 · Language: <span id="language"></span></p>
<p>State: <output id="state">loading</output></p>
<button onclick="finish()">Finish the lesson</button>
</body></html>
"""


def cmi5(xml: str | None = None, files: dict[str, str | bytes] | None = None) -> bytes:
    return make_zip({"cmi5.xml": xml or cmi5_xml(), "au/index.html": AU_PAGE, **(files or {})})

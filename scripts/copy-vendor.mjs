// Copy the browser libraries installed by `npm ci` into lectio/static/vendor/.
// Their code is never committed: the lockfile pins them, this script places them.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "lectio", "static", "vendor");

// package -> [file inside the package, name under vendor/]
const files = {
  "htmx.org": [["dist/htmx.min.js", "htmx/htmx.min.js"], ["LICENSE", "htmx/LICENSE"]],
  // The source map too: the script names it, and collectstatic checks that it exists.
  "hls.js": [
    ["dist/hls.min.js", "hls/hls.min.js"],
    ["dist/hls.min.js.map", "hls/hls.min.js.map"],
    ["LICENSE", "hls/LICENSE"],
  ],
  "scorm-again": [
    ["dist/scorm-again.min.js", "scorm-again/scorm-again.min.js"],
    ["dist/scorm-again.min.js.map", "scorm-again/scorm-again.min.js.map"],
    ["LICENSE", "scorm-again/LICENSE"],
  ],
  "pdfjs-dist": [
    ["build/pdf.min.mjs", "pdfjs/pdf.min.mjs"],
    ["build/pdf.worker.min.mjs", "pdfjs/pdf.worker.min.mjs"],
    ["standard_fonts", "pdfjs/standard_fonts"],
    ["LICENSE", "pdfjs/LICENSE"],
  ],
};

rmSync(target, { recursive: true, force: true });
for (const [pkg, entries] of Object.entries(files)) {
  for (const [source, name] of entries) {
    const destination = join(target, name);
    mkdirSync(dirname(destination), { recursive: true });
    cpSync(join(root, "node_modules", pkg, source), destination, { recursive: true });
  }
}
console.log(`Copied browser libraries into ${target}`);

// Copies GraphiQL's standalone (UMD) build and the React builds it runs on from node_modules
// into p360/static/vendor/, where the server serves them: the page needs no network beyond
// the API itself, and no built asset is committed. Runs after every `npm ci` (postinstall).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "..", "node_modules");
const vendor = join(here, "..", "..", "p360", "static", "vendor");

// served name -> file inside an installed package
const ASSETS = {
  "react.production.min.js": "react/umd/react.production.min.js",
  "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
  "graphiql.min.js": "graphiql/graphiql.min.js",
  "graphiql.min.css": "graphiql/graphiql.min.css",
};

rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
const versions = {};
for (const [served, source] of Object.entries(ASSETS)) {
  copyFileSync(join(modules, source), join(vendor, served));
  const pkg = source.split("/")[0];
  versions[pkg] = JSON.parse(readFileSync(join(modules, pkg, "package.json"), "utf8")).version;
}
// The server checks for this file to tell "installed" from "run the install step".
writeFileSync(join(vendor, "manifest.json"), JSON.stringify({ assets: Object.keys(ASSETS), versions }, null, 2) + "\n");
console.log(`GraphiQL assets copied to ${vendor}`);

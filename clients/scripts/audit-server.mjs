// Runs the graphql-http audit suite (GraphQL over HTTP conformance) against a running p360
// server and prints the results as JSON, one object per audit: {id, name, status, reason?}.
// The server wants a signed-in viewer for everything, so every request the audit makes
// carries the development token given in P360_TOKEN.
//
//   P360_TOKEN=$(p360 token --sub p1 --group patients) node scripts/audit-server.mjs http://127.0.0.1:8000/graphql
import { auditServer } from "graphql-http";

const [url] = process.argv.slice(2);
const token = process.env.P360_TOKEN;
if (!url || !token) {
  console.error("usage: P360_TOKEN=<jwt> node scripts/audit-server.mjs <url of /graphql>");
  process.exit(2);
}

async function fetchWithToken(input, init = {}) {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

const results = await auditServer({ url, fetchFn: fetchWithToken });
const report = await Promise.all(results.map(async (result) => {
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    entry.reason = result.reason;
    entry.httpStatus = result.response.status;
    entry.body = (await result.response.text()).slice(0, 300);
  }
  return entry;
}));
console.log(JSON.stringify(report, null, 2));

// Trims GitHub's OpenAPI description (npm @octokit/openapi) to the operations agentlab calls, with every
// component they reference, so Prism loads it in about two seconds instead of thirteen.
//
// Usage: node trim-openapi.js FULL_SPEC.json OUT.json
//
// One fix-up is applied, because Prism would otherwise skip validating a request body: in the issue-creation
// body `milestone` is `nullable` without a `type` (a `oneOf` of string and integer), which Prism's schema
// conversion cannot handle. Request-body schemas with `nullable` and no `type` lose the `nullable` flag; agentlab
// never sends such a field as null, so this only makes the check stricter.
//
// And one addition: GitHub answers secondary rate limits with 403 or 429 and a `retry-after` header (REST guide,
// "Rate limits for the REST API"), but the description lists 429 for none of these operations. Each kept operation
// gets a 429 response with GitHub's usual `basic-error` body, so the rate-limit flow is validated like the others.
"use strict";

const fs = require("fs");

// The operations agentlab uses (the REST endpoints src/github/ calls). Keep in step with src/github/.
const OPERATIONS = {
  "/repos/{owner}/{repo}/issues/{issue_number}/comments": ["get", "post"],
  "/repos/{owner}/{repo}/issues/comments/{comment_id}": ["patch"],
  "/repos/{owner}/{repo}/issues/{issue_number}": ["patch"],
  "/repos/{owner}/{repo}/issues": ["get", "post"],
  "/repos/{owner}/{repo}/pulls/{pull_number}/files": ["get"],
  "/repos/{owner}/{repo}/commits/{commit_sha}/pulls": ["get"],
};

function main() {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error("usage: node trim-openapi.js FULL_SPEC.json OUT.json");
    process.exit(2);
  }
  const full = JSON.parse(fs.readFileSync(input, "utf8"));
  const trimmed = {
    openapi: full.openapi,
    info: full.info,
    servers: full.servers,
    paths: {},
    components: {},
  };
  for (const [path, methods] of Object.entries(OPERATIONS)) {
    const item = full.paths[path];
    if (!item) throw new Error(`path ${path} is not in the description`);
    trimmed.paths[path] = {};
    if (item.parameters) trimmed.paths[path].parameters = item.parameters;
    for (const method of methods) {
      if (!item[method]) throw new Error(`${method.toUpperCase()} ${path} is not in the description`);
      trimmed.paths[path][method] = item[method];
      fixNullableWithoutType(item[method].requestBody);
      addSecondaryRateLimitResponse(item[method]);
    }
  }
  // Copy every referenced component, following references inside the copied ones until nothing new appears.
  const pending = [trimmed.paths];
  const seen = new Set();
  while (pending.length > 0) {
    for (const ref of collectRefs(pending.pop())) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      const [, , kind, name] = ref.split("/");
      const component = full.components[kind] && full.components[kind][name];
      if (component === undefined) throw new Error(`dangling reference ${ref}`);
      trimmed.components[kind] = trimmed.components[kind] || {};
      trimmed.components[kind][name] = component;
      pending.push(component);
    }
  }
  fs.writeFileSync(output, JSON.stringify(trimmed));
  console.log(`wrote ${output}: ${Object.keys(trimmed.paths).length} paths, ${seen.size} components`);
}

function addSecondaryRateLimitResponse(operation) {
  if (operation.responses["429"]) return;
  operation.responses["429"] = {
    description: "Secondary rate limit exceeded",
    headers: { "retry-after": { schema: { type: "string" } } },
    content: { "application/json": { schema: { $ref: "#/components/schemas/basic-error" } } },
  };
}

function collectRefs(node, found = []) {
  if (Array.isArray(node)) {
    node.forEach((item) => collectRefs(item, found));
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/")) found.push(value);
      else collectRefs(value, found);
    }
  }
  return found;
}

function fixNullableWithoutType(node) {
  if (Array.isArray(node)) {
    node.forEach(fixNullableWithoutType);
  } else if (node && typeof node === "object") {
    if (node.nullable === true && node.type === undefined && node.$ref === undefined) delete node.nullable;
    Object.values(node).forEach(fixNullableWithoutType);
  }
}

main();

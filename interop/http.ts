// Interop check of the service mode with the official TypeScript MCP SDK:
// starts the fake GitHub and `ghmcp --listen 127.0.0.1:0` with a webhook
// secret, connects with the SDK's StreamableHTTPClientTransport presenting
// the fake's token as `Authorization: Bearer`, and lists tools, calls
// them, reads a resource, gets a prompt, subscribes to an issue and
// receives notifications/resources/updated after a signed webhook
// delivery, then unsubscribes and ends the session. Around that, the
// service's refusals: no or foreign bearer token (401), a foreign Host or
// Origin (403, DNS-rebinding protection), a webhook with a bad signature
// (401, and no notification). SIGTERM then stops the service with exit 0.
//
// Environment: GHMCP_BIN and FAKEGITHUB_BIN, the two built binaries.
// The last line of output is "N passed, M failed".

import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LATEST_PROTOCOL_VERSION, ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { FakeGitHub, mustEnv, startService, type Service } from "./harness.js";

const TOKEN = "ghp_interopTOKEN0123456789abcdefghijklmno";
const WEBHOOK_SECRET = "It's a Secret to Everybody";
const ISSUE = "repo://octo/hello/issues/1";
const ghmcpBin = mustEnv("GHMCP_BIN");
const fakeBin = mustEnv("FAKEGITHUB_BIN");

let passed = 0;
let failed = 0;

/** Runs one named check; a thrown error or a false check fails it. */
async function step(name: string, fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    console.log(`ok   ${name}`);
    passed++;
    return true;
  } catch (e) {
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : e}`);
    failed++;
    return false;
  }
}

function check(ok: unknown, what: string): void {
  if (!ok) throw new Error(what);
}

/**
 * A POST with the headers given, through node:http, which (unlike fetch)
 * lets the Host header be chosen.
 */
function post(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "Content-Length": Buffer.byteLength(body), ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const initialize = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: "ghmcp-interop-http", version: "1" } },
});
const mcpHeaders = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

/** Delivers a webhook event as GitHub would, signed with secret. */
function deliver(svc: Service, event: string, payload: object, secret = WEBHOOK_SECRET) {
  const body = JSON.stringify(payload);
  const sig = "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
  return post(new URL("/webhook", svc.url), {
    "Content-Type": "application/json",
    "X-GitHub-Event": event,
    "X-GitHub-Delivery": randomUUID(),
    "X-Hub-Signature-256": sig,
  }, body);
}

const issueEvent = { action: "edited", repository: { full_name: "octo/hello" }, issue: { number: 1 } };

/** Resolves with the URIs notified as updated within ms. */
class Updates {
  private seen: string[] = [];
  private wake?: () => void;

  constructor(client: Client) {
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      this.seen.push(n.params.uri);
      this.wake?.();
    });
  }

  async next(ms: number): Promise<string[]> {
    if (this.seen.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.wake = undefined;
    return this.seen.splice(0);
  }
}

async function main(): Promise<void> {
  const gh = new FakeGitHub(fakeBin, TOKEN);
  const githubURL = await gh.url;
  const dir = mkdtempSync(join(tmpdir(), "ghmcp-interop-"));
  const secretFile = join(dir, "webhook-secret");
  writeFileSync(secretFile, WEBHOOK_SECRET);
  const svc = await startService(ghmcpBin, githubURL, ["--webhook-secret-file", secretFile]);
  console.log(`     ghmcp serving ${svc.url}`);

  await step("no bearer token: 401 with WWW-Authenticate", async () => {
    const res = await fetch(svc.url, { method: "POST", headers: mcpHeaders, body: initialize });
    check(res.status === 401 && res.headers.get("www-authenticate")?.startsWith("Bearer"), `got ${res.status}`);
  });
  await step("a bearer that is no GitHub token: 401", async () => {
    const res = await fetch(svc.url, { method: "POST", headers: { ...mcpHeaders, Authorization: "Bearer hello" }, body: initialize });
    check(res.status === 401, `got ${res.status}`);
  });
  const auth = { Authorization: `Bearer ${TOKEN}` };
  for (const [what, headers] of [
    ["a foreign Host", { Host: "evil.example.com" }],
    ["a foreign Origin", { Origin: "http://evil.example.com" }],
    ["a foreign Host and Origin", { Host: "evil.example.com", Origin: "http://evil.example.com" }],
  ] as const) {
    await step(`DNS rebinding: ${what}: refused (403)`, async () => {
      const res = await post(svc.url, { ...mcpHeaders, ...auth, ...headers }, initialize);
      check(res.status === 403, `got ${res.status}: ${res.text}`);
    });
  }
  await step("a loopback Host and Origin are served", async () => {
    const res = await post(svc.url, { ...mcpHeaders, ...auth, Host: `localhost:${svc.url.port}`, Origin: `http://localhost:${svc.url.port}` }, initialize);
    check(res.status === 200 && res.text.includes('"protocolVersion"'), `got ${res.status}: ${res.text.slice(0, 200)}`);
  });

  // The GET stream, on which the server sends what no request asked for,
  // opens after initialization; the webhook waits for it.
  let streamOpen: () => void = () => {};
  const streamOpened = new Promise<void>((resolve) => (streamOpen = resolve));
  const transport = new StreamableHTTPClientTransport(svc.url, {
    requestInit: { headers: auth },
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if ((init?.method ?? "GET") === "GET" && res.ok && res.headers.get("content-type")?.startsWith("text/event-stream")) {
        streamOpen();
      }
      return res;
    },
  });
  const client = new Client({ name: "ghmcp-interop-http", version: "1.0.0" }, { capabilities: {} });
  const sdkErrors: string[] = [];
  client.onerror = (e) => sdkErrors.push(e.message);
  const updates = new Updates(client);

  const connected = await step("connect with Authorization: Bearer (a session)", async () => {
    await client.connect(transport);
    check(transport.protocolVersion === LATEST_PROTOCOL_VERSION, `negotiated ${transport.protocolVersion}`);
    check(transport.sessionId, "no Mcp-Session-Id");
    check(client.getServerVersion()?.name === "ghmcp", "server name");
    check(client.getServerCapabilities()?.resources?.subscribe, "resources.subscribe not declared");
  });
  if (connected) {
    await step("tools/list", async () => {
      const { tools } = await client.listTools();
      check(tools.length >= 40, `${tools.length} tools`);
      for (const name of ["get_repository_details", "create_issue", "get_issue"]) {
        check(tools.some((t) => t.name === name), `${name} missing`);
      }
    });
    await step("tools/call get_repository_details and create_issue", async () => {
      const repo = await client.callTool({ name: "get_repository_details", arguments: { owner: "octo", repo: "hello" } });
      check(!repo.isError && (repo.structuredContent as { full_name?: string })?.full_name === "octo/hello", JSON.stringify(repo).slice(0, 300));
      const made = await client.callTool({ name: "create_issue", arguments: { owner: "octo", repo: "hello", title: "From the TypeScript SDK over HTTP" } });
      check(!made.isError, JSON.stringify(made.content).slice(0, 300));
      const bad = await client.callTool({ name: "get_repository_details", arguments: { owner: "octo/hello", repo: "hello" } });
      check(bad.isError, "a bad argument must give an isError result");
    });
    await step(`resources/read ${ISSUE}`, async () => {
      const { contents } = await client.readResource({ uri: ISSUE });
      const first = contents[0] as { mimeType?: string; text?: string };
      check(first?.mimeType === "text/markdown" && first.text?.includes("Crash on start"), JSON.stringify(contents).slice(0, 300));
    });
    await step("prompts/get triage_issue", async () => {
      const triage = await client.getPrompt({ name: "triage_issue", arguments: { owner: "octo", repo: "hello", number: "1" } });
      const embedded = triage.messages[1]?.content as { type: string; resource?: { text?: string } };
      check(embedded?.type === "resource" && embedded.resource?.text?.includes("v1.0.0 on Linux."), JSON.stringify(triage).slice(0, 300));
    });
    await step(`resources/subscribe ${ISSUE}, then a signed issues webhook: notifications/resources/updated`, async () => {
      await client.subscribeResource({ uri: ISSUE });
      await Promise.race([streamOpened, new Promise((_, reject) => setTimeout(() => reject(new Error("the GET stream did not open")), 5000))]);
      const res = await deliver(svc, "issues", issueEvent);
      check(res.status === 202, `webhook answered ${res.status}: ${res.text}`);
      const uris = await updates.next(5000);
      check(uris.length === 1 && uris[0] === ISSUE, `notified: ${JSON.stringify(uris)}`);
    });
    await step("a webhook with a bad signature: 401, no notification", async () => {
      const res = await deliver(svc, "issues", issueEvent, "not the secret");
      check(res.status === 401, `webhook answered ${res.status}`);
      const uris = await updates.next(500);
      check(uris.length === 0, `notified: ${JSON.stringify(uris)}`);
    });
    await step("an event on another issue: no notification", async () => {
      const res = await deliver(svc, "issues", { ...issueEvent, issue: { number: 2 } });
      check(res.status === 202, `webhook answered ${res.status}`);
      const uris = await updates.next(500);
      check(uris.length === 0, `notified: ${JSON.stringify(uris)}`);
    });
    await step("resources/unsubscribe: the next event notifies nothing", async () => {
      await client.unsubscribeResource({ uri: ISSUE });
      const res = await deliver(svc, "issues", issueEvent);
      check(res.status === 202, `webhook answered ${res.status}`);
      const uris = await updates.next(500);
      check(uris.length === 0, `notified: ${JSON.stringify(uris)}`);
    });
    await step("DELETE ends the session; its id is then refused", async () => {
      const id = transport.sessionId!;
      await transport.terminateSession();
      const res = await fetch(svc.url, {
        method: "POST",
        headers: { ...mcpHeaders, ...auth, "Mcp-Session-Id": id, "Mcp-Protocol-Version": LATEST_PROTOCOL_VERSION },
        body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" }),
      });
      check(res.status === 404, `a request in the ended session got ${res.status}`);
    });
    await client.close();
    await step("the SDK reported no error of its own", async () => {
      check(sdkErrors.length === 0, sdkErrors.join("; "));
    });
  }
  await step("SIGTERM: the service exits 0 and never logs the token", async () => {
    const code = await svc.stop();
    check(code === 0, `exit ${code}: ${svc.stderr()}`);
    check(!svc.stderr().includes(TOKEN), "the token is in the log");
  });
  gh.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`interop http: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

await main();

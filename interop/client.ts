// Interop check with the official TypeScript MCP SDK: spawns the built
// ghmcp binary against the fake GitHub (internal/fakegithub/cmd/fakegithub)
// and, at every protocol version this SDK supports, connects, lists tools,
// resource templates and prompts, calls tools, reads resources, gets a
// prompt, completes an argument, follows progress and log notifications
// through a throttled call, and cancels a call. Every result is parsed by
// the SDK's own schemas of the protocol, and tool results are validated
// against the tools' declared output schemas with Ajv. Any error the SDK
// reports on its own (a response to a cancelled request, progress for a
// finished one) fails the run.
//
// Environment: GHMCP_BIN and FAKEGITHUB_BIN, the two built binaries.
// The last line of output is "N passed, M failed".

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  LoggingMessageNotificationSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
} from "@modelcontextprotocol/sdk/types.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import { FakeGitHub, mustEnv } from "./harness.js";

const TOKEN = "ghp_interopTOKEN0123456789abcdefghijklmno";
const ghmcpBin = mustEnv("GHMCP_BIN");
const fakeBin = mustEnv("FAKEGITHUB_BIN");

class Failure extends Error {}

function check(ok: unknown, what: string): void {
  if (!ok) throw new Failure(what);
}

/**
 * A transport that asks for a given protocol version in initialize (the
 * SDK always asks for its newest) and records the version the server
 * answered.
 */
class PinnedVersion implements Transport {
  negotiated = "";
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private initID: string | number | undefined;

  constructor(private inner: StdioClientTransport, private version: string) {
    inner.onclose = () => this.onclose?.();
    inner.onerror = (e) => this.onerror?.(e);
    inner.onmessage = (m: JSONRPCMessage) => {
      if ("id" in m && m.id === this.initID && "result" in m) {
        this.negotiated = String((m.result as { protocolVersion?: string }).protocolVersion);
      }
      this.onmessage?.(m);
    };
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if ("method" in message && message.method === "initialize" && "id" in message) {
      this.initID = message.id;
      message = { ...message, params: { ...message.params, protocolVersion: this.version } };
    }
    return this.inner.send(message);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  setProtocolVersion(v: string): void {
    (this.inner as Transport).setProtocolVersion?.(v);
  }
}

const ajv = new Ajv2020({ strict: false, allErrors: true });

function validate(schema: object, value: unknown, what: string): void {
  const v = ajv.compile(schema);
  check(v(value), `${what}: ${ajv.errorsText(v.errors)} in ${JSON.stringify(value)}`);
}

/** Output schemas from the newest version's listing, for older versions' text results. */
const outputSchemas = new Map<string, object>();

async function runVersion(gh: FakeGitHub, url: string, version: string): Promise<string> {
  const inner = new StdioClientTransport({
    command: ghmcpBin,
    args: ["--log-level", "info"],
    env: { PATH: process.env.PATH ?? "", GITHUB_API_URL: url, GITHUB_PERSONAL_ACCESS_TOKEN: TOKEN },
    stderr: "pipe",
  });
  let stderr = "";
  inner.stderr?.on("data", (d) => (stderr += d));
  const transport = new PinnedVersion(inner, version);
  const client = new Client({ name: "ghmcp-interop-ts", version: "1.0.0" }, { capabilities: {} });
  const sdkErrors: string[] = [];
  client.onerror = (e) => sdkErrors.push(e.message);
  const logs: string[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    logs.push(`${n.params.level}: ${JSON.stringify(n.params.data)}`);
  });

  try {
    await client.connect(transport);
    const expected = (SUPPORTED_PROTOCOL_VERSIONS as string[]).includes(version) && version >= "2024-11-05" ? version : "2025-11-25";
    check(transport.negotiated === expected, `negotiated ${transport.negotiated}, want ${expected}`);
    check(client.getServerVersion()?.name === "ghmcp", "server name");
    const caps = client.getServerCapabilities() ?? {};
    // completion/complete arrived in 2025-03-26; ghmcp declares it from then.
    const completions = transport.negotiated >= "2025-03-26";
    for (const c of ["tools", "resources", "prompts", "logging"] as const) {
      check(caps[c], `capability ${c} missing`);
    }
    check(Boolean(caps.completions) === completions, `capability completions present=${Boolean(caps.completions)} at ${transport.negotiated}`);
    const structured = transport.negotiated >= "2025-06-18";

    // Tools: schemas compile; structured output only where the version has it.
    const { tools } = await client.listTools();
    for (const t of tools) {
      ajv.compile(t.inputSchema);
      check(Boolean(t.outputSchema) === structured, `${t.name}: outputSchema present=${Boolean(t.outputSchema)} at ${transport.negotiated}`);
      if (t.outputSchema) {
        ajv.compile(t.outputSchema);
        outputSchemas.set(t.name, t.outputSchema);
      }
    }
    for (const [name, args] of [
      ["get_repository_details", { owner: "octo", repo: "hello" }],
      ["create_issue", { owner: "octo", repo: "hello", title: `From the TypeScript SDK at ${version}` }],
    ] as const) {
      const res = await client.callTool({ name, arguments: args });
      check(!res.isError, `${name}: error result ${JSON.stringify(res.content)}`);
      const text = (res.content as Array<{ type: string; text?: string }>)[0]?.text ?? "";
      const schema = outputSchemas.get(name);
      check(schema, `${name}: no output schema known`);
      if (structured) {
        check(res.structuredContent, `${name}: no structuredContent at ${transport.negotiated}`);
        validate(schema!, res.structuredContent, `${name} structuredContent`);
        check(JSON.stringify(JSON.parse(text)) === JSON.stringify(res.structuredContent), `${name}: text and structuredContent differ`);
      } else {
        check(!("structuredContent" in res), `${name}: structuredContent at ${transport.negotiated}, which predates it`);
        validate(schema!, JSON.parse(text), `${name} text`);
      }
    }
    const bad = await client.callTool({ name: "get_repository_details", arguments: { owner: "octo/hello", repo: "hello" } });
    check(bad.isError, "a bad argument must give an isError result");

    // Resources.
    const { resourceTemplates } = await client.listResourceTemplates();
    check(resourceTemplates.length === 3, `${resourceTemplates.length} resource templates`);
    for (const [uri, mime, want] of [
      ["repo://octo/hello/contents/README.md", "text/markdown", "Says hello."],
      ["repo://octo/hello/contents/docs/", "application/json", '"name":"guide.md"'],
      ["repo://octo/hello/issues/1", "text/markdown", "Crash on start"],
      ["repo://octo/hello/pulls/2", "text/markdown", "Say hello loudly"],
    ]) {
      const { contents } = await client.readResource({ uri });
      const first = contents[0] as { mimeType?: string; text?: string };
      check(first?.mimeType === mime && first.text?.includes(want), `read ${uri}: ${JSON.stringify(contents).slice(0, 300)}`);
    }
    const png = await client.readResource({ uri: "repo://octo/hello/contents/logo.png" });
    check((png.contents[0] as { blob?: string; mimeType?: string }).mimeType === "image/png" && "blob" in png.contents[0], "logo.png is a PNG blob");

    // Prompts.
    const { prompts } = await client.listPrompts();
    check(prompts.map((p) => p.name).sort().join() === "draft_release_notes,review_pull_request,triage_issue", "prompt names");
    const triage = await client.getPrompt({ name: "triage_issue", arguments: { owner: "octo", repo: "hello", number: "1" } });
    const embedded = triage.messages[1]?.content as { type: string; resource?: { text?: string } };
    check(embedded?.type === "resource" && embedded.resource?.text?.includes("v1.0.0 on Linux."), "triage_issue embeds the issue");
    const notes = await client.getPrompt({ name: "draft_release_notes", arguments: { owner: "octo", repo: "hello" } });
    check(JSON.stringify(notes.messages).includes("#3 Fix the crash"), "release notes list the merged pull request");

    // Completion, where the version has it.
    if (completions) {
      const comp = await client.complete({
        ref: { type: "ref/prompt", name: "review_pull_request" },
        argument: { name: "repo", value: "hello-" },
        context: { arguments: { owner: "octo" } },
      });
      check(comp.completion.values.join() === "hello-docs", `completion: ${comp.completion.values}`);
    }

    // Progress and logs during a throttled call.
    await client.setLoggingLevel("info");
    await gh.command("fault GET /repos/octo/hello 429 Retry-After=2");
    const progress: string[] = [];
    const slow = await client.callTool({ name: "get_repository_details", arguments: { owner: "octo", repo: "hello" } }, undefined, {
      onprogress: (p) => progress.push(`${p.progress}/${p.total}: ${p.message}`),
    });
    check(!slow.isError, "throttled call failed");
    check(progress.some((p) => p.includes("waiting 2s for GitHub (secondary rate limit pause)")), `progress: ${progress}`);
    check(logs.some((l) => l.startsWith("warning:") && l.includes("secondary limit hit")), `logs: ${logs}`);
    check(!logs.join().includes(TOKEN) && !stderr.includes(TOKEN), "the token leaked");

    // Cancellation: GitHub holds the request; the client gives up.
    await gh.command("fault GET /repos/octo/hello 0 delay=10s");
    const abort = new AbortController();
    setTimeout(() => abort.abort("the user pressed stop"), 300);
    const cancelled = await client
      .callTool({ name: "get_repository_details", arguments: { owner: "octo", repo: "hello" } }, undefined, { signal: abort.signal })
      .then(() => "answered", () => "rejected");
    check(cancelled === "rejected", "the cancelled call was answered");
    const start = Date.now();
    const after = await client.callTool({ name: "get_repository_details", arguments: { owner: "octo", repo: "hello" } });
    check(!after.isError, `the call after a cancellation failed: ${JSON.stringify(after.content)}`);
    check(Date.now() - start < 5000, `the call after a cancellation took ${Date.now() - start} ms`);
    await new Promise((r) => setTimeout(r, 200)); // a stray response would arrive now
    check(sdkErrors.length === 0, `the SDK reported: ${sdkErrors.join("; ")}`);
    return transport.negotiated;
  } finally {
    // The MCP stdio shutdown: the SDK closes stdin, waits up to 2 s for
    // the server to exit, then signals it. ghmcp exits at once when idle.
    const closing = Date.now();
    await client.close();
    console.log(`     ${version}: close took ${Date.now() - closing} ms`);
  }
}

async function main(): Promise<void> {
  const gh = new FakeGitHub(fakeBin, TOKEN);
  const url = await gh.url;
  let passed = 0;
  let failed = 0;
  // Newest first: older versions check their text results against the
  // output schemas the newest listed.
  const versions = [...(SUPPORTED_PROTOCOL_VERSIONS as string[])].sort().reverse();
  for (const version of versions) {
    try {
      const negotiated = await runVersion(gh, url, version);
      console.log(`ok   ${version} (negotiated ${negotiated})`);
      passed++;
    } catch (e) {
      console.log(`FAIL ${version}: ${e instanceof Error ? e.message : e}`);
      failed++;
    }
  }
  gh.close();
  console.log(`interop: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

await main();

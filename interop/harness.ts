// What the interop programs share: their environment, the fake GitHub
// (internal/fakegithub/cmd/fakegithub) driven through its stdin, and
// ghmcp started as a service (--listen) on a port of its choosing.

import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";

/** The value of an environment variable the run cannot do without. */
export function mustEnv(name: string): string {
  const v = process.env[name];
  if (!v) {
    console.error(`interop: set ${name}`);
    process.exit(2);
  }
  return v;
}

/** The fake GitHub, controlled through its stdin. */
export class FakeGitHub {
  private proc: ChildProcessWithoutNullStreams;
  private waiting: Array<() => void> = [];
  url: Promise<string>;

  constructor(bin: string, token: string) {
    this.proc = spawn(bin, ["-token", token, "-demo"], { stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stderr.on("data", (d) => process.stderr.write(`fakegithub: ${d}`));
    const lines = createInterface({ input: this.proc.stdout });
    let first = true;
    this.url = new Promise((resolve) =>
      lines.on("line", (line) => {
        if (first) {
          first = false;
          resolve(line);
        } else if (line === "--") {
          this.waiting.shift()?.(); // the command took effect
        }
      }),
    );
  }

  /** Runs a fake command and resolves once it has taken effect. */
  command(line: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.proc.stdin.write(line + "\n");
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/** ghmcp serving Streamable HTTP, as started by startService. */
export interface Service {
  /** The MCP endpoint, http://127.0.0.1:PORT/mcp. */
  url: URL;
  proc: ChildProcess;
  /** Everything the service wrote on stderr so far. */
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `ghmcp --listen 127.0.0.1:0` with the given extra arguments and
 * GITHUB_API_URL, and resolves once its start-up log line (--log-format
 * json) gives the address it bound. No GitHub token in its environment:
 * each client brings its own.
 */
export function startService(bin: string, githubURL: string, args: string[] = []): Promise<Service> {
  const proc = spawn(bin, ["--listen", "127.0.0.1:0", "--log-format", "json", "--log-level", "info", ...args], {
    env: { PATH: process.env.PATH ?? "", GITHUB_API_URL: githubURL },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ghmcp --listen did not report its address: ${stderr}`)), 10_000);
    exited.then((code) => reject(new Error(`ghmcp --listen exited with ${code}: ${stderr}`)));
    createInterface({ input: proc.stderr! }).on("line", (line) => {
      stderr += line + "\n";
      let entry: { msg?: string; url?: string };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg === "ghmcp serving Streamable HTTP" && entry.url) {
        clearTimeout(timer);
        resolve({
          url: new URL(entry.url),
          proc,
          stderr: () => stderr,
          stop: () => {
            proc.kill("SIGTERM");
            return exited;
          },
        });
      }
    });
  });
}

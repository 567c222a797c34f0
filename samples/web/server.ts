// A tiny static HTTP server on 127.0.0.1 for pages that import TypeScript: `.ts` files go out
// as JavaScript, transpiled on the fly (types stripped, nothing bundled), so a page's
// `import "./x.ts"` works in the browser as written. Used by serve.ts and the browser tests.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import ts from "typescript";

export interface Served {
  /** The server's root URL, e.g. http://127.0.0.1:40123/ */
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** URL prefix (starting and ending with "/") → the directory it serves. */
  mounts: Record<string, string>;
  /** URL path → contents, for files that exist only in memory (a generated module). */
  files?: Record<string, string>;
  /** 0 (the default): a free port. */
  port?: number;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".ts": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".css": "text/css",
  ".gz": "application/gzip",
};

const transpile = (source: string, fileName: string) =>
  ts.transpileModule(source, { fileName, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } }).outputText;

async function contents(path: string, { mounts, files = {} }: ServeOptions): Promise<string | Buffer | undefined> {
  if (path in files) return files[path];
  // Longest prefix first, so "/data/" wins over "/".
  for (const prefix of Object.keys(mounts).sort((a, b) => b.length - a.length)) {
    if (!path.startsWith(prefix)) continue;
    const dir = resolve(mounts[prefix]!);
    const file = resolve(join(dir, path.slice(prefix.length)));
    if (file !== dir && !file.startsWith(dir + sep)) return undefined; // no "../" out of the mount
    return readFile(file).catch(() => undefined);
  }
  return undefined;
}

export function serve(options: ServeOptions): Promise<Served> {
  const server = createServer(async (req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      return void res.writeHead(400).end();
    }
    if (path.endsWith("/")) path += "index.html";
    const body = await contents(path, options);
    if (body === undefined && path === "/favicon.ico") return void res.writeHead(204).end(); // keeps the console clean
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`);
      return;
    }
    const ext = extname(path);
    res.writeHead(200, { "content-type": TYPES[ext] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(ext === ".ts" ? transpile(body.toString(), path) : body);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      ok({ url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => (server.close(() => done()), server.closeAllConnections())) });
    });
  });
}

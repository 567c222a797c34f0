// What editors say about built-in operations. The language reference's table (§7 of
// docs/language.md) is their documentation, so it is read from there rather than kept twice;
// test/ide/builtins.test.ts checks every built-in has a row.
import { languageReference } from "./language-reference.ts";

export interface BuiltinDoc {
  name: string;
  params: string; // `(x, axis, keepdims)`, or `(a name, not a call)`
  meaning: string; // markdown
}

let table: Map<string, BuiltinDoc> | undefined;

export function builtinDoc(name: string): BuiltinDoc | undefined {
  table ??= readTable();
  return table.get(name);
}

function readTable(): Map<string, BuiltinDoc> {
  const out = new Map<string, BuiltinDoc>();
  const text = languageReference();
  if (text === undefined) return out;
  const section = text.slice(text.indexOf("## 7. Built-in operations"), text.indexOf("## 8."));
  for (const line of section.split("\n")) {
    const m = /^\| `(\w+)` \| (.*?) \| (.*) \|$/.exec(line);
    if (m) out.set(m[1]!, { name: m[1]!, params: m[2]!.replace(/`/g, ""), meaning: m[3]!.replace(/\\\|/g, "|") });
  }
  return out;
}

// The mangling scheme of backend/names.ts on its own: identifiers valid in TypeScript and WGSL,
// injective, derived identifiers apart from plain ones, and user text that stays text inside
// comments and template literals.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commentText, derivedIdent, dimCode, parseUserIdent, templateText, userIdent, USER_PREFIX } from "../../src/backend/names.ts";

/** Names as .dnn writes them, and tensor names (`dense.kernel`, `w/adam.m`), and anything else. */
const name = fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/), fc.stringMatching(/^[a-z_.\/]{1,8}$/), fc.string({ minLength: 1, maxLength: 6, unit: "grapheme" }));
const suffix = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
/** An identifier both languages accept: ASCII letters, digits, `_`; not `_` alone, not starting with `__` (WGSL). */
const validIdent = (s: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && s !== "_" && !s.startsWith("__");

describe("names.ts", () => {
  it("makes valid, injective identifiers with the user prefix, and reads them back", () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(validIdent(userIdent(a))).toBe(true);
        expect(userIdent(a).startsWith(USER_PREFIX)).toBe(true);
        expect(parseUserIdent(userIdent(a))).toEqual({ name: a });
        expect(userIdent(a) === userIdent(b)).toBe(a === b);
      }),
      { seed: 16, numRuns: 2000 },
    );
  });

  it("derived identifiers never equal a name's identifier or another name's derived one", () => {
    fc.assert(
      fc.property(name, suffix, name, suffix, (a, s, b, t) => {
        const d = derivedIdent(a, s);
        expect(validIdent(d)).toBe(true);
        expect(parseUserIdent(d)).toEqual({ name: a, suffix: s });
        expect(d === userIdent(b)).toBe(false);
        expect(d === derivedIdent(b, t)).toBe(a === b && s === t);
      }),
      { seed: 16, numRuns: 2000 },
    );
    expect(() => derivedIdent("M", "Forward")).toThrow(/lowercase/);
  });

  it("writes a symbolic size with its symbols' identifiers", () => {
    expect(dimCode("B")).toBe("u_B");
    expect(dimCode("169*B")).toBe("169*u_B");
    expect(dimCode("B*T + 2*T - 1")).toBe("u_B*u_T + 2*u_T - 1");
    expect(dimCode("c_0*i")).toBe("u_c__0*u_i");
  });

  it("keeps user text inside a comment and a template literal", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const c = commentText(text);
        expect(c).not.toMatch(/[\n\v\f\r\u0085\u2028\u2029]|\*\/|\/\*/);
        // As a template literal's text, the escaped string evaluates back to the text.
        const t = templateText(text);
        expect(new Function(`return \`${t}\`;`)()).toBe(text);
      }),
      { seed: 16, numRuns: 2000 },
    );
  });
});

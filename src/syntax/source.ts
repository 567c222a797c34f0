// A source file and the mapping from byte offsets to lines and columns.
export interface Span {
  file: string;
  start: number; // offset of the first character
  end: number; // offset one past the last character
}

export interface Position {
  line: number; // 0-based
  character: number; // 0-based, in UTF-16 code units (what LSP uses)
}

export class SourceFile {
  readonly lineStarts: number[];
  constructor(readonly path: string, readonly text: string) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo]! };
  }

  offset(pos: Position): number {
    const start = this.lineStarts[Math.min(pos.line, this.lineStarts.length - 1)] ?? 0;
    return Math.min(start + pos.character, this.text.length);
  }

  lineText(line: number): string {
    const start = this.lineStarts[line] ?? this.text.length;
    const next = this.lineStarts[line + 1];
    return this.text.slice(start, next === undefined ? this.text.length : next - 1).replace(/\r$/, "");
  }

  span(start: number, end: number): Span {
    return { file: this.path, start, end };
  }
}

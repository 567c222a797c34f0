// A loaded .dnn file as the checker sees it — its definitions, the names in scope, each use of
// a name — apart from modules.ts (which loads files) and binder.ts (which fills `references`),
// so that values, the binder and the loader all refer to it without importing each other.
import type * as A from "../syntax/ast.ts";
import type { SourceFile, Span } from "../syntax/source.ts";

/** A top-level definition a name can be bound to. */
export type Decl = A.LayerDecl | A.FnDecl | A.InitDecl | A.OptimizerDecl | A.ModelDecl;

export interface Module {
  path: string;
  ast: A.FileAst;
  source: SourceFile;
  /** Names visible at the top level: own definitions (models too, which can be applied as
   * layers), then imported ones. */
  scope: Map<string, { decl: Decl; module: Module }>;
  /** Names whose import failed: already reported, so their uses are silently poisoned. */
  poisoned: Set<string>;
  models: Map<string, A.ModelDecl>;
  trains: A.TrainDecl[];
  /** Every use of a name and where it is defined, imports included (for editors). */
  references: Reference[];
}

/** One use of a name and where it is defined. */
export interface Reference {
  name: string;
  span: Span;
  /** The defining name: a local binding, or a top-level definition, maybe in another module. */
  target: Span;
}

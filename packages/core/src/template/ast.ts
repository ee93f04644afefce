/** Where a node starts in the format, for `executing "" at <…>` messages. */
export interface Position {
  line: number;
  column: number;
  /** The node's source text, e.g. `.Repository`. */
  source: string;
}

/** An operand of a command. */
export type Operand =
  | { kind: "dot" }
  | { kind: "field"; path: string[] }
  | { kind: "variable"; name: string; path: string[] }
  | { kind: "function"; name: string }
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "pipeline"; pipeline: Pipeline; path: string[] };

/** `operand operand…`: a function call, a method call or a single value. */
export interface Command {
  operands: Operand[];
  position: Position;
}

/** `[$x :=] command | command…` */
export interface Pipeline {
  declarations: string[];
  isAssignment: boolean;
  commands: Command[];
  position: Position;
}

/** `{{if}}`, `{{with}}`, `{{range}}` with their bodies; `{{else if …}}` nests in elseBody. */
export interface BlockNode {
  kind: "if" | "with" | "range";
  pipeline: Pipeline;
  body: TemplateNode[];
  elseBody: TemplateNode[];
}

export type TemplateNode = { kind: "text"; text: string } | { kind: "action"; pipeline: Pipeline } | BlockNode;

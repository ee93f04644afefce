import type { Command, Operand, Pipeline, Position, TemplateNode } from "./ast.js";
import { tokenize, type Token } from "./lexer.js";
import { parseError } from "./template-error.js";

/** Parses a Go text/template subset into nodes; `functions` are the names that may be called. */
export function parseTemplate(source: string, functions: ReadonlySet<string>): TemplateNode[] {
  return new Parser(tokenize(source), functions).parseAll();
}

type Terminator = "end" | "else" | "eof";
const blockKeywords = new Set(["if", "with", "range"]);

class Parser {
  private index = 0;
  /** Declared variable names per open block; `$` is always there. */
  private readonly scopes: string[][] = [["$"]];

  constructor(private readonly tokens: Token[], private readonly functions: ReadonlySet<string>) {}

  parseAll(): TemplateNode[] {
    const { nodes, terminator } = this.parseList();
    if (terminator !== "eof") throw parseError(this.previous()?.line ?? 1, `unexpected {{${terminator}}}`);
    return nodes;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  private previous(): Token | undefined {
    return this.tokens[Math.min(this.index, this.tokens.length) - 1];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token === undefined) throw parseError(this.previous()?.line ?? 1, "unexpected EOF");
    this.index += 1;
    return token;
  }

  private expect(kind: Token["kind"], context: string): Token {
    const token = this.next();
    if (token.kind !== kind) throw parseError(token.line, `unexpected ${describe(token)} in ${context}`);
    return token;
  }

  /** Nodes up to `{{end}}`, `{{else…}}` (left unconsumed after the keyword) or the end. */
  private parseList(): { nodes: TemplateNode[]; terminator: Terminator } {
    const nodes: TemplateNode[] = [];
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (token.kind === "text") {
        nodes.push({ kind: "text", text: this.next().value });
        continue;
      }
      this.expect("open", "template");
      const keyword = this.peek();
      if (keyword?.kind === "identifier" && (keyword.value === "end" || keyword.value === "else")) {
        this.next();
        if (keyword.value === "end") this.expect("close", "end");
        return { nodes, terminator: keyword.value };
      }
      if (keyword?.kind === "identifier" && blockKeywords.has(keyword.value)) {
        this.next();
        nodes.push(this.parseBlock(keyword.value as "if" | "with" | "range", keyword));
        continue;
      }
      const pipeline = this.parsePipeline("command", true);
      nodes.push({ kind: "action", pipeline });
    }
    return { nodes, terminator: "eof" };
  }

  private parseBlock(kind: "if" | "with" | "range", start: Token): TemplateNode {
    this.scopes.push([]);
    try {
      return this.parseBlockBody(kind, start);
    } finally {
      this.scopes.pop();
    }
  }

  private parseBlockBody(kind: "if" | "with" | "range", start: Token): TemplateNode {
    const pipeline = this.parsePipeline(kind, true);
    const { nodes: body, terminator } = this.parseList();
    let elseBody: TemplateNode[] = [];
    if (terminator === "eof") throw parseError(start.line, `unexpected EOF`);
    if (terminator === "else") {
      const chained = this.peek();
      if (chained?.kind === "identifier" && (chained.value === "if" || chained.value === "with") && chained.value === kind) {
        this.next();
        elseBody = [this.parseBlock(kind, chained)];
      } else {
        this.expect("close", "else");
        const rest = this.parseList();
        if (rest.terminator !== "end") throw parseError(start.line, "expected end; found " + (rest.terminator === "eof" ? "EOF" : "{{else}}"));
        elseBody = rest.nodes;
      }
    }
    return { kind, pipeline, body, elseBody };
  }

  /** `[$a[, $b] :=|=] command [| command…]` up to `}}`. */
  private parsePipeline(context: string, allowDeclarations: boolean): Pipeline {
    const first = this.peek();
    if (first === undefined) throw parseError(this.previous()?.line ?? 1, "unexpected EOF");
    const position = positionOf(first);
    const declarations: string[] = [];
    let isAssignment = false;
    if (allowDeclarations && first.kind === "variable" && first.path.length === 0) {
      const second = this.peek(1);
      const third = this.peek(2);
      const fourth = this.peek(3);
      if (second?.kind === "declare" || second?.kind === "assign") {
        declarations.push(first.value);
        isAssignment = second.kind === "assign";
        this.index += 2;
      } else if (context === "range" && second?.kind === "comma" && third?.kind === "variable" && fourth?.kind === "declare") {
        declarations.push(first.value, third.value);
        this.index += 4;
      }
    }
    for (const name of declarations) {
      if (isAssignment) this.checkDeclared(name, first.line);
      else this.scopes[this.scopes.length - 1]!.push(name);
    }
    const commands: Command[] = [];
    for (;;) {
      commands.push(this.parseCommand(context));
      const token = this.next();
      if (token.kind === "close" && !allowDeclarations) throw parseError(token.line, "unclosed left paren");
      if (token.kind === "close") break;
      if (token.kind === "rparen") {
        this.index -= 1;
        break;
      }
      if (token.kind !== "pipe") throw parseError(token.line, `unexpected ${describe(token)} in ${context}`);
    }
    if (commands.some((command) => command.operands.length === 0)) throw parseError(first.line, `missing value for ${context}`);
    return { declarations, isAssignment, commands, position };
  }

  private checkDeclared(name: string, line: number): void {
    if (!this.scopes.some((scope) => scope.includes(name))) throw parseError(line, `undefined variable ${JSON.stringify(name)}`);
  }

  private parseCommand(context: string): Command {
    const start = this.peek();
    const operands: Operand[] = [];
    for (let token = this.peek(); token !== undefined; token = this.peek()) {
      if (token.kind === "close" || token.kind === "pipe" || token.kind === "rparen") break;
      operands.push(this.parseOperand(context));
    }
    return { operands, position: start === undefined ? { line: 0, column: 0, source: "" } : positionOf(start) };
  }

  private parseOperand(context: string): Operand {
    const token = this.next();
    switch (token.kind) {
      case "dot":
        return { kind: "dot" };
      case "field":
        return { kind: "field", path: token.path };
      case "variable":
        this.checkDeclared(token.value, token.line);
        return { kind: "variable", name: token.value, path: token.path };
      case "string":
        return { kind: "literal", value: token.value };
      case "number":
        return { kind: "literal", value: Number(token.value) };
      case "bool":
        return { kind: "literal", value: token.value === "true" };
      case "nil":
        return { kind: "literal", value: null };
      case "identifier":
        if (!this.functions.has(token.value)) throw parseError(token.line, `function ${JSON.stringify(token.value)} not defined`);
        return { kind: "function", name: token.value };
      case "lparen": {
        const pipeline = this.parsePipeline("parenthesized pipeline", false);
        this.expect("rparen", "parenthesized pipeline");
        const chain = this.peek();
        if (chain?.kind === "field" && !chain.spaced) {
          this.next();
          return { kind: "pipeline", pipeline, path: chain.path };
        }
        return { kind: "pipeline", pipeline, path: [] };
      }
      default:
        throw parseError(token.line, `unexpected ${describe(token)} in ${context}`);
    }
  }
}

function positionOf(token: Token): Position {
  return { line: token.line, column: token.column, source: token.value };
}

function describe(token: Token): string {
  if (token.kind === "close") return '"}}"';
  return JSON.stringify(token.value);
}

import type { BlockNode, Command, Operand, Pipeline, TemplateNode } from "./ast.js";
import { functionArity, headerIdentityFunctions, templateFunctions } from "./functions.js";
import { templateError } from "./template-error.js";
import { compareUtf8 } from "../go-json.js";
import { formatValue, isTruthy, lookupField, typeName } from "./values.js";

export interface ExecuteOptions {
  /** "error" (docker's list formatters) or "no-value": a missing key prints `<no value>` (inspect). */
  missingFields: "error" | "no-value";
  /** When set, fields render as column headers and docker's header functions are identities. */
  headerNames?: Readonly<Record<string, string>>;
}

/** Raised inside execution; turned into `template: :L:C: executing "" at <node>: message`. */
class ExecError extends Error {}

/** Runs parsed template nodes against `data` and returns the output. */
export function executeTemplate(nodes: TemplateNode[], data: unknown, options: ExecuteOptions): string {
  return new Executor(data, options).run(nodes);
}

class Executor {
  private out = "";
  private readonly variables: Array<{ name: string; value: unknown }>;

  constructor(data: unknown, private readonly options: ExecuteOptions) {
    this.variables = [{ name: "$", value: data }];
  }

  run(nodes: TemplateNode[]): string {
    this.walk(nodes, this.variables[0]!.value);
    return this.out;
  }

  private walk(nodes: TemplateNode[], dot: unknown): void {
    for (const node of nodes) {
      if (node.kind === "text") {
        this.out += node.text;
        continue;
      }
      const mark = this.variables.length;
      if (node.kind === "action") {
        const value = this.evalPipeline(node.pipeline, dot, true);
        if (node.pipeline.declarations.length === 0) this.out += formatValue(value);
        continue;
      }
      const value = this.evalPipeline(node.pipeline, dot, node.kind !== "range");
      if (node.kind === "range") this.range(node, value, dot);
      else if (isTruthy(value) || (this.options.headerNames !== undefined && node.kind === "with")) {
        this.walk(node.body, node.kind === "with" ? value : dot);
      } else {
        this.walk(node.elseBody, dot);
      }
      this.variables.length = mark;
    }
  }

  private range(node: BlockNode, value: unknown, dot: unknown): void {
    const entries = this.options.headerNames === undefined ? iterate(value, node.pipeline) : [[0, value] as const];
    if (entries.length === 0) {
      this.walk(node.elseBody, dot);
      return;
    }
    const [first, second] = node.pipeline.declarations;
    for (const [key, element] of entries) {
      const mark = this.variables.length;
      if (second !== undefined) this.variables.push({ name: first!, value: key }, { name: second, value: element });
      else if (first !== undefined) this.variables.push({ name: first, value: element });
      this.walk(node.body, element);
      this.variables.length = mark;
    }
  }

  private evalPipeline(pipeline: Pipeline, dot: unknown, assign: boolean): unknown {
    let value: unknown;
    pipeline.commands.forEach((command, i) => {
      value = this.evalCommand(command, dot, i === 0 ? [] : [value]);
    });
    if (assign && pipeline.declarations.length > 0) {
      const name = pipeline.declarations[0]!;
      if (!pipeline.isAssignment) this.variables.push({ name, value });
      else this.variableSlot(name, pipeline).value = value;
    }
    return value;
  }

  private evalCommand(command: Command, dot: unknown, piped: unknown[]): unknown {
    const [head, ...rest] = command.operands;
    const at = () => command.operands.map(describeOperand).join(" ");
    try {
      if (head!.kind === "function") {
        const args = [...rest.map((operand) => this.evalArgument(operand, dot)), ...piped];
        const [min, max] = functionArity[head!.name] ?? [0, Infinity];
        if (args.length < min || args.length > max) {
          throw new ExecError(`wrong number of args for ${head!.name}: want ${min === max ? min : `at least ${min}`} got ${args.length}`);
        }
        if (this.options.headerNames !== undefined && headerIdentityFunctions.has(head!.name)) return args[0];
        return templateFunctions[head!.name]!(...args);
      }
      const args = [...rest.map((operand) => this.evalArgument(operand, dot)), ...piped];
      return this.evalOperand(head!, dot, args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.startsWith("template parsing error:")) throw error;
      const { line, column } = command.position;
      throw templateError(`:${line}:${column}: executing "" at <${at()}>: ${message}`);
    }
  }

  private evalArgument(operand: Operand, dot: unknown): unknown {
    if (operand.kind === "function") return this.evalCommand({ operands: [operand], position: { line: 0, column: 0, source: "" } }, dot, []);
    return this.evalOperand(operand, dot, []);
  }

  /** A value, or a field chain whose last element may be a method called with `args`. */
  private evalOperand(operand: Operand, dot: unknown, args: unknown[]): unknown {
    switch (operand.kind) {
      case "dot":
        return this.noArgs(dot, ".", args, this.options.headerNames === undefined ? dot : "");
      case "literal":
        return this.noArgs(operand.value, String(operand.value), args, operand.value);
      case "field":
        return this.evalChain(dot, operand.path, args);
      case "variable": {
        const value = this.variableSlot(operand.name).value;
        return operand.path.length === 0 ? this.noArgs(value, operand.name, args, value) : this.evalChain(value, operand.path, args);
      }
      case "pipeline": {
        const value = this.evalPipeline(operand.pipeline, dot, false);
        return operand.path.length === 0 ? this.noArgs(value, "(…)", args, value) : this.evalChain(value, operand.path, args);
      }
      default:
        throw new ExecError(`can't evaluate ${operand.kind}`);
    }
  }

  private noArgs(_value: unknown, source: string, args: unknown[], result: unknown): unknown {
    if (args.length > 0) throw new ExecError(`can't give argument to non-function ${source}`);
    return result;
  }

  private evalChain(receiver: unknown, path: string[], args: unknown[]): unknown {
    const headers = this.options.headerNames;
    if (headers !== undefined) {
      const key = path.join(".");
      return headers[key] ?? headers[path[0]!] ?? key.toUpperCase();
    }
    let current = receiver;
    path.forEach((name, i) => {
      const isLast = i === path.length - 1;
      if (current === null || current === undefined) throw new ExecError(`nil pointer evaluating ${typeName(current)}.${name}`);
      const { found, value } = lookupField(current, name);
      if (!found && (this.options.missingFields === "error" || typeof current !== "object")) {
        throw new ExecError(`can't evaluate field ${name} in type ${typeName(current)}`);
      }
      if (typeof value === "function") current = value(...(isLast ? args : []));
      else if (isLast && args.length > 0) throw new ExecError(`${name} is not a method but has arguments`);
      else current = value;
    });
    return current;
  }

  private variableSlot(name: string, pipeline?: Pipeline): { name: string; value: unknown } {
    for (let i = this.variables.length - 1; i >= 0; i--) if (this.variables[i]!.name === name) return this.variables[i]!;
    const line = pipeline?.position.line ?? 0;
    throw templateError(`:${line}: undefined variable: ${name}`);
  }
}

function iterate(value: unknown, pipeline: Pipeline): Array<readonly [unknown, unknown]> {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map((element, i) => [i, element] as const);
  if (typeof value === "number" && Number.isInteger(value)) return Array.from({ length: Math.max(value, 0) }, (_, i) => [i, i] as const);
  if (value instanceof Map) return [...value.entries()].sort(([a], [b]) => compareUtf8(String(a), String(b)));
  if (typeof value === "object" && !(value instanceof Date)) return Object.entries(value).sort(([a], [b]) => compareUtf8(a, b));
  const { line, column } = pipeline.position;
  const source = pipeline.commands.map((command) => command.operands.map(describeOperand).join(" ")).join(" | ");
  throw templateError(`:${line}:${column}: executing "" at <${source}>: range can't iterate over ${formatValue(value)}`);
}

function describeOperand(operand: Operand): string {
  switch (operand.kind) {
    case "dot":
      return ".";
    case "field":
      return `.${operand.path.join(".")}`;
    case "variable":
      return [operand.name, ...operand.path].join(".");
    case "function":
      return operand.name;
    case "literal":
      return typeof operand.value === "string" ? JSON.stringify(operand.value) : String(operand.value);
    case "pipeline":
      return `(…)${operand.path.map((name) => `.${name}`).join("")}`;
  }
}

import { invalidArgument } from "../errors.js";
import { SPACE } from "./logical-lines.js";

const spacePattern = new RegExp(`^[${SPACE}]$`);
const isSpace = (char: string) => spacePattern.test(char);
const isNameChar = (char: string) => /^[\p{L}\p{Nd}_]$/u.test(char);

/**
 * Docker's shell-word processing for ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL, ADD,
 * COPY, FROM: `$V`, `${V}`, `${V:-word}`, `${V-word}`, `${V:+word}`, `${V+word}`, `${V:?msg}`,
 * `${V?msg}`; single quotes are literal, double quotes allow `$`; the escape character (`\` or
 * `` ` ``) escapes the next character, e.g. `\$`. Quotes are removed. Unset variables are empty.
 * Throws INVALID_ARGUMENT for a syntax error such as a missing `}`.
 */
export function expandVariables(text: string, env: Readonly<Record<string, string>>, escapeChar = "\\"): string {
  return new ShellWord(text, env, escapeChar).process().word;
}

/** Like {@link expandVariables} but split into words on unquoted whitespace (EXPOSE $PORTS). */
export function expandVariablesToWords(text: string, env: Readonly<Record<string, string>>, escapeChar = "\\"): string[] {
  return new ShellWord(text, env, escapeChar).process().words;
}

/** Collects words: characters that came from quotes or escapes never split a word. */
class Words {
  words: string[] = [];
  private word = "";
  private inWord = false;
  addChar(char: string): void {
    if (!isSpace(char)) this.addRaw(char);
    else if (this.inWord && this.word !== "") this.flush();
  }
  addRaw(text: string): void {
    this.word += text;
    this.inWord = true;
  }
  addString(text: string): void {
    for (const char of text) this.addChar(char);
  }
  flush(): string[] {
    if (this.word !== "") this.words.push(this.word);
    this.word = "";
    this.inWord = false;
    return this.words;
  }
}

class ShellWord {
  private readonly chars: string[];
  private pos = 0;

  constructor(text: string, private readonly env: Readonly<Record<string, string>>, private readonly escapeChar: string) {
    this.chars = Array.from(text);
  }

  process(): { word: string; words: string[] } {
    return this.processUntil(undefined);
  }

  private peek(): string | undefined {
    return this.chars[this.pos];
  }

  private next(): string | undefined {
    return this.chars[this.pos++];
  }

  private processUntil(stop: string | undefined): { word: string; words: string[] } {
    let result = "";
    const words = new Words();
    for (let char = this.peek(); char !== undefined; char = this.peek()) {
      if (char === stop) {
        this.next();
        return { word: result, words: words.flush() };
      }
      if (char === "'" || char === '"' || char === "$") {
        const part = char === "'" ? this.singleQuoted() : char === '"' ? this.doubleQuoted() : this.dollar();
        result += part;
        if (char === "$") words.addString(part);
        else words.addRaw(part);
        continue;
      }
      this.next();
      if (char === this.escapeChar) {
        const escaped = this.next();
        if (escaped === undefined) break;
        words.addRaw(escaped);
        result += escaped;
      } else {
        words.addChar(char);
        result += char;
      }
    }
    if (stop !== undefined) throw invalidArgument("syntax error: missing '}'");
    return { word: result, words: words.flush() };
  }

  private singleQuoted(): string {
    this.next();
    let result = "";
    for (;;) {
      const char = this.next();
      if (char === undefined) throw invalidArgument("unexpected end of statement while looking for matching single-quote");
      if (char === "'") return result;
      result += char;
    }
  }

  private doubleQuoted(): string {
    this.next();
    let result = "";
    for (;;) {
      const char = this.peek();
      if (char === undefined) throw invalidArgument("unexpected end of statement while looking for matching double-quote");
      if (char === '"') {
        this.next();
        return result;
      }
      if (char === "$") {
        result += this.dollar();
        continue;
      }
      this.next();
      if (char === this.escapeChar) {
        const following = this.peek();
        if (following === undefined) continue;
        if (following === '"' || following === "$" || following === this.escapeChar) {
          result += this.next();
          continue;
        }
      }
      result += char;
    }
  }

  private dollar(): string {
    this.next();
    if (this.peek() !== "{") {
      const name = this.readName();
      return name === "" ? "$" : this.lookup(name) ?? "";
    }
    this.next();
    const first = this.peek();
    if (first === undefined) throw invalidArgument("syntax error: missing '}'");
    if (first === "{" || first === "}" || first === ":") throw invalidArgument("syntax error: bad substitution");
    const name = this.readName();
    const value = this.lookup(name);
    let operator = this.next();
    if (operator === "}") return value ?? "";
    if (operator === undefined) throw invalidArgument("syntax error: missing '}'");
    if (operator !== ":" && operator !== "-" && operator !== "+" && operator !== "?") {
      throw invalidArgument("missing ':' in substitution");
    }
    const colon = operator === ":";
    if (colon) operator = this.next();
    if (colon && operator !== "-" && operator !== "+" && operator !== "?") {
      throw invalidArgument(`unsupported modifier (${operator ?? ""}) in substitution`);
    }
    const word = this.processUntil("}").word;
    const isSet = colon ? value !== undefined && value !== "" : value !== undefined;
    if (operator === "-") return isSet ? value! : word;
    if (operator === "+") return isSet ? word : "";
    if (!isSet) {
      const fallback = value === undefined ? "is not allowed to be unset" : "is not allowed to be empty";
      throw invalidArgument(`${name}: ${word || fallback}`);
    }
    return value!;
  }

  private lookup(name: string): string | undefined {
    return Object.hasOwn(this.env, name) ? this.env[name] : undefined;
  }

  /** A variable name: letters, digits and `_`; a leading digit reads digits only (positional). */
  private readName(): string {
    let name = "";
    for (let char = this.peek(); char !== undefined; char = this.peek()) {
      if (name === "" && /^\p{Nd}$/u.test(char)) {
        while (this.peek() !== undefined && /^\p{Nd}$/u.test(this.peek()!)) name += this.next();
        return name;
      }
      if (!isNameChar(char)) break;
      name += this.next();
    }
    return name;
  }
}

import { randomInt } from "node:crypto";
import { BerthError, invalidArgument } from "@berth/core";

// Container names: docker's rule for given names, and docker-style random `adjective_surname`
// names (berth's own lists: adjectives, and people who shaped computing and science).

const ADJECTIVES = [
  "agile", "amiable", "bold", "brave", "bright", "calm", "candid", "cheerful", "clever", "cosmic",
  "curious", "daring", "dreamy", "eager", "earnest", "elated", "fearless", "festive", "focused", "gallant",
  "gentle", "gifted", "gracious", "happy", "hardy", "honest", "humble", "jolly", "keen", "kind",
  "lively", "loyal", "lucid", "merry", "mindful", "modest", "nimble", "noble", "patient", "peaceful",
  "plucky", "polite", "quiet", "quirky", "radiant", "serene", "sharp", "steady", "sunny", "tender",
  "tidy", "upbeat", "valiant", "vivid", "warm", "wise", "witty", "zealous",
];

const SURNAMES = [
  "allen", "babbage", "backus", "bartik", "berners_lee", "borg", "cerf", "church", "codd", "conway",
  "curie", "dijkstra", "easley", "engelbart", "euler", "faraday", "feynman", "floyd", "franklin", "gauss",
  "goldberg", "goodall", "hamilton", "hawking", "hopper", "hypatia", "johnson", "kahn", "kay", "kernighan",
  "knuth", "kowalevski", "lamarr", "lamport", "liskov", "lovelace", "mccarthy", "meitner", "minsky", "morse",
  "naur", "noether", "perlman", "pike", "ramanujan", "ritchie", "shannon", "sinoussi", "spark", "stallman",
  "sutherland", "tesla", "thompson", "torvalds", "turing", "vaughan", "volhard", "wilkes", "wing", "wirth",
];

/** One random `adjective_surname`. */
export function randomContainerName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${SURNAMES[randomInt(SURNAMES.length)]}`;
}

const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** docker's name check; returns the name without a leading slash. */
export function checkContainerName(name: string): string {
  if (!VALID_NAME.test(name)) throw invalidArgument(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return name.startsWith("/") ? name.slice(1) : name;
}

/** docker's error for a name another container holds. */
export function nameConflict(name: string, id: string): BerthError {
  return new BerthError("CONFLICT", `Conflict. The container name "/${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`);
}

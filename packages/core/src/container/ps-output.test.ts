import { describe, expect, it } from "vitest";
import { filterPsOutput } from "./ps-output.js";

const PS_EF = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 10:00 ?        00:00:01 /sbin/init
root         200       1  0 10:01 ?        00:00:00 sleep 300
root         201     200  0 10:01 pts/0    00:00:00 sh -c while true; do :; done
`;

describe("filterPsOutput", () => {
  it("keeps the container's pids and joins the last column's words", () => {
    expect(filterPsOutput(PS_EF, new Set([200, 201]))).toEqual({
      titles: ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"],
      processes: [
        ["root", "200", "1", "0", "10:01", "?", "00:00:00", "sleep 300"],
        ["root", "201", "200", "0", "10:01", "pts/0", "00:00:00", "sh -c while true; do :; done"],
      ],
    });
  });

  it("keeps thread rows (`-` pid) after a kept process only", () => {
    const output = "PID TID CMD\n1 - init\n- 1 init\n200 - sleep\n- 200 sleep\n";
    expect(filterPsOutput(output, new Set([200])).processes).toEqual([["200", "-", "sleep"], ["-", "200", "sleep"]]);
  });

  it("refuses output without a PID column, or with a PID that is not a number", () => {
    expect(() => filterPsOutput("COMMAND\nsleep\n", new Set([1]))).toThrow("Couldn't find PID field in ps output");
    expect(() => filterPsOutput("PID CMD\nx sleep\n", new Set([1]))).toThrow("Unexpected pid 'x' in ps output");
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as nextTurn } from "node:timers/promises";
import { afterAnswerQueue } from "../../../src/adapters/decision-thread/after-answer-queue.ts";

describe("afterAnswerQueue", () => {
  it("runs nothing synchronously; runs every task queued in one turn, in order, in the next check phase", async () => {
    const errors: unknown[] = [];
    const defer = afterAnswerQueue((err) => errors.push(err));
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) defer(() => ran.push(i));
    assert.deepEqual(ran, [], "the answer goes out first");
    await nextTurn();
    assert.deepEqual(ran, [0, 1, 2, 3, 4]);
    assert.deepEqual(errors, []);
  });

  it("runs tasks queued by a running batch in a later batch, not never", async () => {
    const defer = afterAnswerQueue(() => undefined);
    const ran: string[] = [];
    defer(() => {
      ran.push("first");
      defer(() => ran.push("queued while running"));
    });
    await nextTurn();
    await nextTurn();
    assert.deepEqual(ran, ["first", "queued while running"]);
  });

  it("reports a throwing task and still runs the others; nothing reaches the process", async () => {
    const errors: unknown[] = [];
    const defer = afterAnswerQueue((err) => errors.push(err));
    const ran: string[] = [];
    defer(() => ran.push("before"));
    defer(() => {
      throw new Error("record failed");
    });
    defer(() => ran.push("after"));
    await nextTurn();
    assert.deepEqual(ran, ["before", "after"]);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /record failed/);
  });
});

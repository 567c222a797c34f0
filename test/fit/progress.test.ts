// The progress line's layout at any width, and the wrapping of the lines that stay.
import { describe, expect, it } from "vitest";
import { progressLine, wrapToWidth } from "../../src/fit/progress.ts";

const p = { epoch: 12, epochs: 100, step: 1234, steps: 5000, loss: 0.123456, accuracy: 0.98765, examplesPerSecond: 123456, etaSeconds: 3725 };

describe("progressLine", () => {
  it("is never wider than columns − 1, from 1 column to 300", () => {
    for (let columns = 1; columns <= 300; columns++) {
      const line = progressLine(p, columns);
      expect(line.length, `${columns}: ${line}`).toBeLessThanOrEqual(Math.max(1, columns - 1));
    }
  });

  it("drops speed, then accuracy, then steps, then the time left, keeping the bar at ten or more", () => {
    expect(progressLine(p, 200)).toBe("epoch 12/100 [======>                       ]  1234/5000  loss 0.1235  acc 0.9877  123,456 ex/s  ETA 1:02:05");
    expect(progressLine(p, 100)).toBe("epoch 12/100 [====>                ]  1234/5000  loss 0.1235  acc 0.9877  123,456 ex/s  ETA 1:02:05");
    expect(progressLine(p, 80)).toBe("epoch 12/100 [===>           ]  1234/5000  loss 0.1235  acc 0.9877  ETA 1:02:05");
    expect(progressLine(p, 60)).toBe("epoch 12/100 [===>              ]  loss 0.1235  ETA 1:02:05");
    expect(progressLine(p, 40)).toBe("epoch 12/100 [==>        ]  loss 0.1235");
    expect(progressLine(p, 20)).toBe("epoch 12/100 [>   ]"); // the bar shrinks below ten only alone
    expect(progressLine(p, 12)).toBe("12/100");
  });

  it("a finished epoch's bar is full", () => {
    expect(progressLine({ ...p, step: 5000 }, 200)).toContain(`[${"=".repeat(30)}]`);
  });
});

describe("wrapToWidth", () => {
  it("breaks at the gaps between fields, then at spaces, then anywhere, indenting what follows", () => {
    expect(wrapToWidth("epoch 1: loss 0.1234  acc 0.5678  val_loss 0.2345", 30)).toBe("epoch 1: loss 0.1234\n  acc 0.5678  val_loss 0.2345");
    expect(wrapToWidth("checkpoint a-rather-long-path/that-goes-on-and-on.safetensors", 20).split("\n").every((l) => l.length <= 20)).toBe(true);
    expect(wrapToWidth("short", 20)).toBe("short");
  });
});

// Every range of `dnnc train`'s numeric flags (the executable is driven with a sample of these
// in train-checks.test.ts): numbers written as numbers, finite, whole where they count things.
import { describe, expect, it } from "vitest";
import { trainSettings, type TrainFlags } from "../../src/cli/train-flags.ts";

const defaults: TrainFlags = { epochs: "10", batch: "32", seed: "0", validationSplit: "0.1", reduceLrFactor: "0.5", minLr: "1e-6" };
const settings = (flags: Partial<TrainFlags>) => trainSettings({ ...defaults, ...flags });

describe("trainSettings", () => {
  it("reads the defaults and well-formed values", () => {
    expect(settings({})).toEqual({ epochs: 10, batch: 32, seed: 0, validationSplit: 0.1, reduceLrFactor: 0.5, minLr: 1e-6 });
    expect(settings({ lr: "3e-4", threads: "4", earlyStopping: "3", reduceLr: "2", limit: "100", augment: "flip, shift=2,rotate=12.5", classes: "5-7,1", label: "-1" }))
      .toMatchObject({ lr: 3e-4, threads: 4, earlyStopping: 3, reduceLr: 2, limit: 100, augment: { flip: true, shift: 2, rotate: 12.5 }, classes: [5, 6, 7, 1], label: -1 });
    expect(settings({ label: "pixel label" }).label).toBe("pixel label");
    expect(settings({ lr: "10", validationSplit: "0", minLr: "0" })).toMatchObject({ lr: 10, validationSplit: 0, minLr: 0 });
  });

  it.each([
    [{ lr: "Infinity" }, "--lr must be a learning rate in (0, 10], received 'Infinity'"],
    [{ lr: "1e30" }, "--lr must be a learning rate in (0, 10], received '1e30'"],
    [{ lr: "10.5" }, "--lr must be a learning rate in (0, 10]"],
    [{ lr: "0" }, "--lr must be a learning rate in (0, 10], received '0'"],
    [{ lr: "-0.1" }, "--lr must be a learning rate in (0, 10]"],
    [{ lr: "0x10" }, "--lr must be a learning rate in (0, 10], received '0x10'"],
    [{ lr: "" }, "--lr must be a learning rate in (0, 10], received ''"],
    [{ reduceLrFactor: "abc" }, "--reduce-lr-factor must be a factor in (0, 1), received 'abc'"],
    [{ reduceLrFactor: "0" }, "--reduce-lr-factor must be a factor in (0, 1), received '0'"],
    [{ reduceLrFactor: "-2" }, "--reduce-lr-factor must be a factor in (0, 1), received '-2'"],
    [{ reduceLrFactor: "1" }, "--reduce-lr-factor must be a factor in (0, 1), received '1'"],
    [{ minLr: "NaN" }, "--min-lr must be a learning rate in [0, 10], received 'NaN'"],
    [{ minLr: "-1e-9" }, "--min-lr must be a learning rate in [0, 10]"],
    [{ epochs: "0" }, "--epochs must be a whole number from 1 to 1,000,000, received '0'"],
    [{ epochs: "2.5" }, "--epochs must be a whole number from 1 to 1,000,000, received '2.5'"],
    [{ epochs: "1e3" }, "--epochs must be a whole number from 1 to 1,000,000, received '1e3'"],
    [{ epochs: "1000001" }, "--epochs must be a whole number from 1 to 1,000,000"],
    [{ batch: "-1" }, "--batch must be a whole number from 1 to 1,048,576, received '-1'"],
    [{ batch: "1048577" }, "--batch must be a whole number from 1 to 1,048,576"],
    [{ earlyStopping: "0" }, "--early-stopping must be a whole number from 1 to 10,000"],
    [{ reduceLr: "1.5" }, "--reduce-lr must be a whole number from 1 to 10,000"],
    [{ threads: "65" }, "--threads must be a whole number from 1 to 64, received '65'"],
    [{ threads: "0" }, "--threads must be a whole number from 1 to 64, received '0'"],
    [{ seed: "4294967296" }, "--seed must be a whole number from 0 to 4,294,967,295"],
    [{ seed: "1.5" }, "--seed must be a whole number from 0 to 4,294,967,295"],
    [{ limit: "0" }, "--limit must be a whole number ≥ 1, received '0'"],
    [{ validationSplit: "1" }, "--validation-split must be a fraction in [0, 1), received '1'"],
    [{ validationSplit: "-0.1" }, "--validation-split must be a fraction in [0, 1)"],
    [{ validationSplit: "abc" }, "--validation-split must be a fraction in [0, 1), received 'abc'"],
    [{ augment: "shift=0" }, "--augment shift must be a whole number from 1 to 1,000, received '0'"],
    [{ augment: "shift=1.5" }, "--augment shift must be a whole number from 1 to 1,000"],
    [{ augment: "rotate=abc" }, "--augment rotate must be an angle in degrees in (0, 180], received 'abc'"],
    [{ augment: "rotate=-5" }, "--augment rotate must be an angle in degrees in (0, 180]"],
    [{ augment: "spin=3" }, "--augment: unknown part 'spin=3'"],
    [{ augment: "flip=1" }, "--augment: unknown part 'flip=1'"],
    [{ augment: " , " }, "--augment: expected flip, shift=PIXELS, rotate=DEGREES, comma-separated, received ' , '"],
    [{ classes: "5-3" }, "--classes: the range 5-3 runs backwards: write 3-5"],
    [{ classes: "0-99999999" }, "--classes: '0-99999999' goes beyond the 10,000 classes dnnc handles"],
    [{ classes: "0-9999,0-9999" }, "--classes: '0-9999,0-9999' goes beyond the 10,000 classes dnnc handles"],
    [{ classes: "1,2,1" }, "--classes: class 1 is listed twice in '1,2,1'"],
    [{ classes: "0-4,3" }, "--classes: class 3 is listed twice"],
    [{ classes: "a-b" }, "--classes: expected a list such as 0-4 or 1,3,5, received 'a-b'"],
    [{ classes: "" }, "--classes: expected a list such as 0-4 or 1,3,5, received ''"],
    [{ label: " " }, "--label: expected a column name from the CSV's header or a 0-based column index"],
  ])("%j is refused: %s", (flags, message) => {
    expect(() => settings(flags)).toThrow(message);
  });
});

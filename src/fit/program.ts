// `dnnc train --program NAME`: a named training program of the model (`train M.name { … }`,
// decision 0015) as the training loop sees a model. The loop calls trainStep and evaluate and
// reads the class's targets; for a named program those are its train<Name> and evaluate<Name>
// and its own targets, and the learning rate it changes (--lr, --reduce-lr, a schedule) is the
// program's state `<name>/lr`.
import type { CompiledModel } from "../model.ts";
import { programsOf } from "../backend/model-api.ts";
import { TrainError } from "./load-model.ts";
import type { Tensor, TrainableClass, TrainableModel } from "./model.ts";

/** What --program chose: the methods to call, the targets, the learning rate's tensor. */
export interface ChosenProgram {
  /** Undefined for the default program (`train M { … }`). */
  name?: string;
  trainMethod: string;
  evaluateMethod: string;
  targets: TrainableClass["targets"];
  lr: string;
}

/** The program `name` of `m` (the default one without a name), or a TrainError saying which there are. */
export function chooseProgram(m: CompiledModel, name: string | undefined): ChosenProgram {
  const programs = programsOf(m);
  const named = programs.flatMap((p) => (p.name === undefined ? [] : [p.name]));
  const p = programs.find((x) => x.name === name);
  if (!p) {
    const choices = named.length > 0 ? `; its programs: ${named.join(", ")}` : "";
    if (name === undefined) throw new TrainError(`model ${m.name} has no unnamed train block: choose a training program with --program${choices}`);
    throw new TrainError(`model ${m.name} has no training program ${name}${choices || " (it has none: `train " + m.name + ".name { … }` declares one)"}`);
  }
  if (!p.evaluate) throw new TrainError(`${m.name}.${p.evaluateMethod} could not be generated: its loss draws training noise itself, so there is no validation loss to report`);
  return { ...(p.name !== undefined ? { name: p.name } : {}), trainMethod: p.trainMethod, evaluateMethod: p.evaluateMethod, targets: p.train.targets, lr: p.name === undefined ? "lr" : `${p.name}/lr` };
}

/** The class as the loop reads it: the program's targets in place of the default program's. */
export function programClass(cls: TrainableClass, p: ChosenProgram): TrainableClass {
  if (p.name === undefined) return cls;
  return {
    name: cls.name,
    inputs: cls.inputs,
    outputs: cls.outputs,
    ...(p.targets ? { targets: p.targets } : {}),
    parameters: cls.parameters,
    ...(cls.optimizerStates ? { optimizerStates: cls.optimizerStates } : {}),
    create: (options) => cls.create(options),
  };
}

/** The model as the loop calls it: the program's step and loss as trainStep and evaluate, everything else the model's. */
export function programModel(model: TrainableModel, p: ChosenProgram): TrainableModel {
  if (p.name === undefined) return model;
  const method = (name: string) => {
    const f = (model as unknown as Record<string, (batch: Record<string, Tensor>) => number | Promise<number>>)[name];
    if (typeof f !== "function") throw new TrainError(`the generated model has no method ${name}`);
    return (batch: Record<string, Tensor>) => f.call(model, batch);
  };
  const view: TrainableModel = {
    trainStep: method(p.trainMethod),
    evaluate: method(p.evaluateMethod),
    predict: (inputs) => model.predict(inputs),
    getParameter: (name) => model.getParameter(name),
    setParameter: (name, values) => model.setParameter(name, values),
    setParameters: (values) => model.setParameters(values),
    save: () => model.save(),
    load: (bytes, options) => model.load(bytes, options),
    get steps() {
      return model.steps;
    },
  };
  if (model.destroy) view.destroy = () => model.destroy!();
  if (model.forward) view.forward = (inputs) => model.forward!(inputs);
  return view;
}

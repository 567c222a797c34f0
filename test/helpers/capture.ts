// An optimizer, in .dnn, that leaves every parameter alone and stores its gradient as a state:
// appended to a test model, it reads a gradient exactly through the normal training step.
export const CAPTURE = `
optimizer capture() {
  state grad = 0.0
  update(p, g) {
    grad = g
    p = p
  }
}`;
